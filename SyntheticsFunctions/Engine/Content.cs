using System.Text;

namespace SyntheticsFunctions.Engine;

/// <summary>
/// Words the synthetic users write: capture answers, real-world trigger descriptions and client
/// error messages. Answers are grammatical by construction: templates of typed slots, where a
/// subject slot (a body part, a person, "I") sets the agreement the verbs after it are conjugated
/// for (<c>&lt;verb&gt;</c>), and a clause slot takes the tense its template sets (a worry after
/// "what if" in the present, after "I'm worried that" in the future). Each person writes in their
/// own <see cref="Voice"/>. <see cref="Seams.Find"/> names what would give a template away.
/// </summary>
internal static class Content
{
    public static readonly string[] ResistanceStrategies =
    [
        "urge_surfing", "delay_ten_minutes", "change_environment", "call_support",
        "breathing_exercise", "reframe_thought", "none",
    ];

    public static readonly string[] MindblockSignals = ["noticed", "triggered", "reframed", "released"];

    public static string MindblockStatusFor(int intensity) => intensity switch
    {
        >= 7 => "struggling",
        >= 4 => "working_on_it",
        _ => "easing",
    };

    /// <summary>The client errors the app logs: a code and its message.</summary>
    public static readonly (string Code, string Message)[] ClientErrors =
    [
        ("capture_upload_failed", "Upload of the capture timed out"),
        ("capture_upload_failed", "Capture upload failed: the connection was reset"),
        ("capture_upload_failed", "Capture could not be saved, retrying in the background"),
        ("scene_asset_missing", "Scene media failed to load"),
        ("scene_asset_missing", "Audio for the scene returned 404"),
        ("scene_asset_missing", "Scene illustration could not be decoded"),
        ("sync_conflict", "Local progress conflicted with the server copy"),
        ("sync_conflict", "Journey state changed on another device"),
        ("network_offline", "No network connection; changes queued"),
        ("network_offline", "Request failed while the device was offline"),
        ("request_timeout", "Server did not answer within 30 seconds"),
        ("request_timeout", "Loading the journey took too long"),
        ("auth_expired", "Session token expired; signing in again"),
        ("auth_expired", "Refresh token rejected by the server"),
        ("storage_full", "Not enough storage on the device to cache the scene"),
        ("audio_playback_failed", "Audio player stopped unexpectedly"),
        ("audio_playback_failed", "Breathing exercise audio could not start"),
        ("notification_permission_denied", "Reminder could not be scheduled: notifications are off"),
        ("render_error", "Scene screen failed to render"),
        ("render_error", "Unexpected null in the scene layout"),
        ("keyboard_crash", "Text input closed unexpectedly while typing"),
        ("rate_limited", "Too many requests; backing off"),
        ("server_error", "Server returned 500 while saving progress"),
        ("server_error", "Server returned 503; try again shortly"),
    ];

    /// <summary>
    /// A real-world trigger: its type and a description composed from that type's templates and
    /// slots (places and people from the same lists the answers use).
    /// </summary>
    public static (string Type, string Description) Trigger(Random random)
    {
        var (type, templates) = TriggerTemplates[random.Next(TriggerTemplates.Length)];
        var filler = new Filler(random, "");
        var text = new StringBuilder(80);
        filler.Fill(text, Sampling.Pick(random, templates), 0);
        text[0] = char.ToUpperInvariant(text[0]);
        return (type, text.ToString());
    }

    /// <summary>The trigger types (the <c>trigger_type</c> values).</summary>
    public static IEnumerable<string> TriggerTypes => TriggerTemplates.Select(t => t.Type);

    private static readonly (string Type, string[] Templates)[] TriggerTemplates =
    [
        ("social_event",
        [
            "invited to {social} {trigwhen}", "{name} asked me to {social} {trigwhen}", "{social} {trigwhen}, everyone will be drinking",
            "ran into old friends at {venue}", "got dragged along to {social}",
        ]),
        ("work_stress",
        [
            "deadline moved forward unexpectedly", "{meeting} ran over and I missed lunch", "my manager asked for the report {trigwhen}",
            "got a stressful email from {name}", "extra shift added {trigwhen}", "the restructure was announced at {meeting}",
        ]),
        ("family_conflict",
        [
            "argument at home over {familytopic}", "row with {relation} about {familytopic}", "tense phone call with {relation}",
            "{relation} criticised me in front of everyone", "the kids fought all the way home from {venue}",
        ]),
        ("sleep_disruption",
        [
            "woke up at {smallhour} and could not get back to sleep", "{noise} kept me up until {smallhour}", "the baby was up {count} times",
            "worked late and only got {hours} hours", "jet lag after the trip to {city}",
        ]),
        ("location",
        [
            "walked past {venue} on the way home", "ended up at {venue} in {city}", "drove past the old place near {venue}",
            "waited for ages at {venue}", "back in {city} where it all started",
        ]),
        ("notification",
        [
            "saw a post that brought back the habit", "an advert popped up for {advert}", "{name} sent a photo from {venue}",
            "a reminder of this day last year", "group chat lit up about {social}",
        ]),
    ];

    /// <summary>Chance, at a voice's middling length, of an opening word or two before the answer ...</summary>
    private const double OpenerChance = 0.3;

    /// <summary>... and of an everyday sentence after it (both grow with the voice's length bias).</summary>
    private const double TailChance = 0.6;

    /// <summary>
    /// A user's answer to a capture prompt in <paramref name="voice"/> (<see cref="Voice.Plain"/>
    /// where none is given): the prompt picks the kind of answer (a body sensation for a body
    /// prompt, places and times for a trigger map, bed and wake times for a sleep diary...), one of
    /// that kind's templates is filled from its slots, and the journey's clinical focus colours the
    /// observations. A scene without a prompt and a prompt this table does not know get an
    /// observation on the journey's focus. Now and then, at the voice's own rates, the answer is one
    /// word, carries a typo or ends with an emoji. Only <paramref name="random"/> is drawn from.
    /// </summary>
    public static string Capture(Random random, string? prompt, string focus, Voice? voice = null)
    {
        voice ??= Voice.Plain;
        var kind = KindOf(prompt);
        var text = new StringBuilder(200);
        var filler = new Filler(random, focus);
        if (random.NextDouble() < voice.OneWordRate)
        {
            text.Append(Sampling.Pick(random, OneWordAnswers.GetValueOrDefault(kind, OneWordAnswers[AnswerKind.Observation])));
            text.Append('.');
        }
        else
        {
            var chatty = 0.5 + voice.LengthBias;
            if (random.NextDouble() < OpenerChance * chatty)
            {
                filler.Fill(text, filler.Pick(text, Openers), 0);
            }

            var templates = kind == AnswerKind.Observation ? ObservationTemplates : Answers[kind];
            filler.Fill(text, filler.Pick(text, templates), 0);
            if (random.NextDouble() < TailChance * chatty)
            {
                text.Append(' ');
                filler.Fill(text, filler.Pick(text, Tails), 0);
            }
        }

        return Voiced(random, text.ToString(), voice);
    }

    internal static readonly string[] Emoji = ["🙂", "😅", "😩", "💪", "🙏", "😴", "❤️", "👍", "😔", "🤞", "✨", "😬", "🙃", "😊"];

    /// <summary>The text as the voice writes it: contractions, casing, the ending, and now and then a typo or an emoji.</summary>
    private static string Voiced(Random random, string text, Voice voice)
    {
        if (!voice.Contracts)
        {
            text = text.Replace("I'm ", "I am ", StringComparison.Ordinal).Replace("I'll ", "I will ", StringComparison.Ordinal)
                .Replace("don't ", "do not ", StringComparison.Ordinal).Replace("it's ", "it is ", StringComparison.Ordinal)
                .Replace("I've ", "I have ", StringComparison.Ordinal).Replace("didn't ", "did not ", StringComparison.Ordinal);
        }

        // A capital at the start and after each full stop, question or exclamation mark.
        var chars = new StringBuilder(text);
        var start = true;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (start && char.IsLetter(c))
            {
                chars[i] = char.ToUpperInvariant(c);
            }

            start = c is '.' or '?' or '!' || (start && !char.IsLetterOrDigit(c));
        }

        text = chars.ToString();
        text = voice.Casing switch
        {
            Casing.Lower => text.ToLowerInvariant(),
            Casing.NoFirstCapital => char.ToLowerInvariant(text[0]) + text[1..],
            _ => text,
        };
        if (text.EndsWith('.'))
        {
            text = voice.Ending switch
            {
                Ending.Bare => text[..^1],
                Ending.Ellipsis => text + "..",
                Ending.Exclamation when random.NextDouble() < 0.5 => text[..^1] + "!",
                _ => text,
            };
        }

        // The typo's and the emoji's draws are made whether or not they are used: the same draws give the same text but for them.
        var typo = random.NextDouble() < voice.TypoRate;
        var typoSeed = random.Next();
        var emoji = random.NextDouble() < voice.EmojiRate;
        var emojiPick = random.Next(Emoji.Length * 2);
        if (typo)
        {
            text = WithTypo(new Random(typoSeed), text);
        }

        if (emoji)
        {
            text += (emojiPick % 2 == 0 ? " " : "") + Emoji[emojiPick / 2];
        }

        return text;
    }

    /// <summary>One slip of the thumb in a word of five letters or more: two letters swapped, one dropped or one doubled (none that would make a seam).</summary>
    private static string WithTypo(Random random, string text)
    {
        var words = new List<(int Start, int Length)>();
        for (var i = 0; i < text.Length;)
        {
            var j = i;
            while (j < text.Length && char.IsAsciiLetterLower(text[j]))
            {
                j++;
            }

            if (j - i >= 5)
            {
                words.Add((i, j - i));
            }

            i = j + 1;
        }

        if (words.Count == 0)
        {
            return text;
        }

        var (s, n) = words[random.Next(words.Count)];
        var at = s + 1 + random.Next(n - 2);
        var typo = random.Next(3) switch
        {
            0 => text[..at] + text[at + 1] + text[at] + text[(at + 2)..],
            1 => text[..at] + text[(at + 1)..],
            _ => text[..at] + text[at] + text[at..],
        };
        return Seams.Find(typo, []) is null ? typo : text;
    }

    internal enum AnswerKind
    {
        Observation, Body, Worry, Evidence, NextStep, Change, Pride, TriggerMap, Alternative,
        SleepAlternative, SupportPlan, Connection, Slip, Risk, SleepTimes, RacingThoughts,
        Critic, Reframe, Gratitude, Value,
    }

    /// <summary>What kind of answer a prompt asks for, from its words (first rule that matches).</summary>
    internal static AnswerKind KindOf(string? prompt)
    {
        if (prompt is null)
        {
            return AnswerKind.Observation;
        }

        var p = prompt.ToLowerInvariant();
        bool Has(params string[] words) => words.Any(w => p.Contains(w, StringComparison.Ordinal));
        return true switch
        {
            _ when Has("body") => AnswerKind.Body,
            _ when Has("fact", "evidence") => AnswerKind.Evidence,
            _ when Has("worry", "worried", "worries") => AnswerKind.Worry,
            _ when Has("bed") && Has("wake", "woke", "get up") => AnswerKind.SleepTimes,
            _ when Has("last hour", "screen", "bedtime", "before bed") => AnswerKind.SleepAlternative,
            _ when Has("awake", "racing thought") => AnswerKind.RacingThoughts,
            _ when Has("step") => AnswerKind.NextStep,
            _ when Has("proud") => AnswerKind.Pride,
            _ when Has("change") => AnswerKind.Change,
            _ when Has("urge", "trigger", "places and times") => AnswerKind.TriggerMap,
            _ when Has("instead") => AnswerKind.Alternative,
            _ when Has("slip", "relapse") => AnswerKind.Slip,
            _ when Has("risk") => AnswerKind.Risk,
            _ when Has("critic") => AnswerKind.Critic,
            _ when Has("rewrite", "supportive", "kinder") => AnswerKind.Reframe,
            _ when Has("went well", "grateful", "gratitude") => AnswerKind.Gratitude,
            _ when Has("value") => AnswerKind.Value,
            _ when Has("call", "support", "turn to") => AnswerKind.SupportPlan,
            _ when Has("connect") => AnswerKind.Connection,
            _ => AnswerKind.Observation,
        };
    }

    /// <summary>Grammatical agreement of a subject: I, you, one (he, she, it, a singular noun), many (we, they, a plural noun).</summary>
    internal enum Agreement
    {
        I,
        You,
        One,
        Many,
    }

    /// <summary>A subject a verb agrees with: its words (slots allowed), its agreement, and the pronoun that stands for it.</summary>
    internal sealed record Subject(string Text, Agreement Agreement, string Pronoun);

    /// <summary>
    /// Fills templates: <c>{slot}</c> a fragment of the slot (itself a template); <c>{#slot}</c> a
    /// typed subject, whose agreement and pronoun hold until the next; <c>{pron}</c> that pronoun;
    /// <c>{I}</c> the subject "I"; <c>&lt;verb words&gt;</c> the verb conjugated for the subject in the
    /// template's tense (<c>[future]</c>: "I'll go", "it will go"; otherwise the present). A slot used
    /// twice in one answer gets two different fragments.
    /// </summary>
    private sealed class Filler(Random random, string focus)
    {
        private Agreement _agreement = Agreement.I;
        private string _pronoun = "I";
        private bool _future;
        private readonly HashSet<(string, int)> _used = [];

        public void Fill(StringBuilder text, string template, int depth)
        {
            if (depth > 6)
            {
                throw new InvalidOperationException($"Template nesting too deep at \"{template}\".");
            }

            var i = 0;
            while (i < template.Length)
            {
                var c = template[i];
                if (c == '[')
                {
                    var close = template.IndexOf(']', i);
                    _future = template[(i + 1)..close] == "future";
                    i = close + 1;
                }
                else if (c == '<')
                {
                    var close = template.IndexOf('>', i);
                    Verb(text, template[(i + 1)..close]);
                    i = close + 1;
                }
                else if (c == '{')
                {
                    var close = template.IndexOf('}', i);
                    Slot(text, template[(i + 1)..close], depth);
                    i = close + 1;
                }
                else
                {
                    text.Append(c);
                    i++;
                }
            }
        }

        private void Slot(StringBuilder text, string slot, int depth)
        {
            switch (slot)
            {
                case "I":
                    text.Append('I');
                    (_agreement, _pronoun) = (Agreement.I, "I");
                    return;
                case "=one":
                    _agreement = Agreement.One;
                    return;
                case "=many":
                    _agreement = Agreement.Many;
                    return;
                case "pron":
                    text.Append(_pronoun);
                    _agreement = _pronoun switch
                    {
                        "I" => Agreement.I,
                        "you" => Agreement.You,
                        "they" or "we" => Agreement.Many,
                        _ => Agreement.One,
                    };
                    return;
            }

            if (slot.StartsWith('#'))
            {
                var subjects = TypedSlots[slot[1..]];
                var subject = subjects[Index(slot.TrimEnd('2'), subjects.Length, k => subjects[k].Text, text)];
                Fill(text, subject.Text, depth + 1);
                (_agreement, _pronoun) = (subject.Agreement, subject.Pronoun);
                return;
            }

            var fragments = FragmentsFor(slot);
            Fill(text, fragments[Index(slot, fragments.Count, k => fragments[k], text)], depth + 1);
        }

        // A fragment's index: not one this answer already used for the slot, nor one starting with
        // the word the text ends with (where the slot has others).
        private int Index(string slot, int count, Func<int, string> fragment, StringBuilder text)
        {
            var index = random.Next(count);
            var last = LastWord(text);
            for (var tries = 0; tries < count && (_used.Contains((slot, index)) || Joins(last, fragment(index))); tries++)
            {
                index = (index + 1) % count;
            }

            _used.Add((slot, index));
            return index;
        }

        /// <summary>A template from <paramref name="templates"/> that does not start with the word <paramref name="text"/> ends with.</summary>
        public string Pick(StringBuilder text, IReadOnlyList<string> templates)
        {
            var index = random.Next(templates.Count);
            var last = LastWord(text);
            for (var tries = 0; tries < templates.Count && Joins(last, templates[index]); tries++)
            {
                index = (index + 1) % templates.Count;
            }

            return templates[index];
        }

        private void Verb(StringBuilder text, string words)
        {
            var space = words.IndexOf(' ');
            var (verb, rest) = space < 0 ? (words, "") : (words[..space], words[space..]);
            if (_future)
            {
                var pronoun = EndsWithPronoun(text);
                if (pronoun)
                {
                    text.Length--;
                    text.Append("'ll ");
                }
                else
                {
                    text.Append("will ");
                }

                text.Append(verb).Append(rest);
                return;
            }

            text.Append(Present(verb, _agreement)).Append(rest);
        }

        // Whether a template's first literal word is the word before it (a doubled word).
        private static bool Joins(string last, string template)
        {
            var start = template.StartsWith('[') ? template.IndexOf(']') + 1 : 0;
            var end = start;
            while (end < template.Length && char.IsLetter(template[end]))
            {
                end++;
            }

            return last.Length > 0 && end > start && string.Equals(template[start..end], last, StringComparison.OrdinalIgnoreCase);
        }

        private static string LastWord(StringBuilder text)
        {
            var end = text.Length;
            while (end > 0 && !char.IsLetter(text[end - 1]))
            {
                end--;
            }

            var start = end;
            while (start > 0 && char.IsLetter(text[start - 1]))
            {
                start--;
            }

            return text.ToString(start, end - start);
        }

        private static bool EndsWithPronoun(StringBuilder text)
        {
            if (text.Length < 2 || text[^1] != ' ')
            {
                return false;
            }

            var end = text.Length - 1;
            var start = end;
            while (start > 0 && char.IsLetter(text[start - 1]))
            {
                start--;
            }

            var word = text.ToString(start, end - start).ToLowerInvariant();
            return word is "i" or "you" or "we" or "they" or "she" or "he" or "it";
        }

        private IReadOnlyList<string> FragmentsFor(string slot) => slot switch
        {
            "obs" => Observations.GetValueOrDefault(focus, Slots["general"]),
            "catch" => Catches.GetValueOrDefault(focus, Catches["anxiety"]),
            _ => Slots.TryGetValue(slot, out var fragments) ? fragments : throw new InvalidOperationException($"No fragments for the slot {{{slot}}}."),
        };
    }

    /// <summary>A verb in the present for its subject: "be" as am/are/is, the third person singular with its -s, -es or -ies.</summary>
    internal static string Present(string verb, Agreement agreement) => (verb, agreement) switch
    {
        ("be", Agreement.I) => "am",
        ("be", Agreement.One) => "is",
        ("be", _) => "are",
        (_, Agreement.One) => ThirdPerson(verb),
        _ => verb,
    };

    internal static string ThirdPerson(string verb) => verb switch
    {
        "be" => "is",
        "have" => "has",
        "do" => "does",
        "go" => "goes",
        "can" or "could" or "will" or "would" or "might" or "must" or "should" => verb,
        _ when verb.EndsWith('s') || verb.EndsWith('x') || verb.EndsWith('z') || verb.EndsWith("ch", StringComparison.Ordinal) || verb.EndsWith("sh", StringComparison.Ordinal) || verb.EndsWith('o') => verb + "es",
        _ when verb.Length > 1 && verb[^1] == 'y' && !"aeiou".Contains(verb[^2], StringComparison.Ordinal) => verb[..^1] + "ies",
        _ => verb + "s",
    };

    private static readonly string[] Openers =
    [
        "honestly, ", "ok so ", "hmm. ", "not sure, but ", "tbh ", "well, ", "right. ", "so ", "if I'm honest, ",
        "thinking about it, ", "today: ", "short version: ", "quick one. ", "where to start. ", "um. ", "okay. ",
        "to be fair, ", "oh and ", "writing this {when}. ", "weird day. ", "ugh. ", "hard to say, but ", "in short, ",
    ];

    private static readonly string[] ObservationTemplates =
    [
        "noticed {obs} {when}, {qual}.",
        "I noticed {obs}, {when}. {general}.",
        "found that {obs} {qual}, {when}.",
        "realised {obs} {qual}. felt {after} {when}.",
        "felt {feeling} going in and {after} afterwards, {qual}.",
        "caught myself {catch} again, {when}. {obs}.",
        "spotted that {obs} {when}, which was new.",
        "mostly I noticed {obs} {when}, {qual}.",
        "noticed {general} {qual}, {when}.",
        "what I noticed: {obs}, {qual}. {general}.",
        "felt {feeling} at first, but {obs} {when}.",
        "I caught myself {catch} {when}, then {obs}.",
        "found {general}. {obs}, {qual}.",
    ];

    private static readonly string[] Tails =
    [
        "felt {feeling} {when}.", "long day at {venue}.", "bit {feeling} today.", "better than yesterday, I think.",
        "hard to put into words.", "writing it down helps.", "still {feeling}, but managing.", "not sure it's working yet.",
        "I'll keep going.", "took a while to answer this one.", "slept {sleepq} last night.", "trying to be honest here.",
        "small thing but it counts.", "was {feeling} most of the day.", "more tomorrow.", "{#person} and I went to {venue} {whenpast}.",
        "bit of a {workq} week at {venue}.", "{when} was the worst bit.", "missed {name} {whenpast}.", "{#person} <want> to go to {city} {whenf}.", "{#person} <say> I seem {after}.",
        "{#person} <think> it's helping.", "had {activity} with {#person} {whenpast}.", "the weather in {city} is grim again.",
        "back in {city} for the weekend.", "{#person} <be> away this week.", "need to remember {remember}.",
        "work at {venue} was {workq}.", "{#person} noticed I was {after}.", "one day at a time.", "doing this {when} again.",
        "the kids were up early.", "got some fresh air {whenpast}.", "{#person} <be> visiting from {city}.", "I'll try again {whenf}.",
    ];

    private static readonly Dictionary<AnswerKind, string[]> Answers = new()
    {
        [AnswerKind.Body] =
        [
            "my {#body} <get> {bodyfeel} first, usually {when}.",
            "in my {#body}. {pron} <go> {bodyfeel} {when}.",
            "my {#body} first, then my {body2}.",
            "a {bodyfeel} feeling in my {#body}, {when}.",
            "mostly in my {#body}, {bodyfeel} and hard to ignore.",
            "my {#body} <feel> {bodyfeel} and my {body2}, {when}.",
            "{when} my {#body} <start> to feel {bodyfeel}.",
            "{bodyfeel} {#body}, {qual}. then my {body2}.",
        ],
        [AnswerKind.Worry] =
        [
            "[future]I'm worried that {worry} {whenf}, {qual}.",
            "[present]what if {worry} {whenf}?",
            "[future]the worry: {worry} {whenf}.",
            "[future]scared that {worry}, {when} especially.",
            "[future]afraid that {worry} and that everyone{=one} <notice>.",
            "[present]keep asking myself what if {worry}, {when} especially.",
            "[future]mainly worried that {worry}. {#person} <say> I'm overthinking.",
            "[present]{when} it's always what if {worry}.",
        ],
        [AnswerKind.Evidence] =
        [
            "for it: {evfor}. against it: {evagainst}, {qual}.",
            "the facts: {evagainst}, and {evagainst}. {evfor}, but that's it.",
            "evidence against: {evagainst}. evidence for: {evfor}.",
            "only fact for it is {evfor}; against it, {evagainst}.",
            "not much evidence for it really; {evagainst}, and {evagainst}.",
            "{evfor}, true, but against it: {evagainst} and {evagainst}.",
        ],
        [AnswerKind.NextStep] =
        [
            "{step} {whenf}, then {step}.",
            "smallest step: {step} {whenf}.",
            "just {step} {whenf}, nothing more.",
            "I'll {step} {whenf}, {qual}.",
            "probably to {step} {whenf}; one step at a time.",
            "{whenf} I'll {step}, then see.",
            "{step} {whenf}. {#person} offered to help.",
        ],
        [AnswerKind.Change] =
        [
            "I {gain} now, {qual}.",
            "since starting I {gain} {qual}. {whenpast} I managed to {gain2}.",
            "I used to {old}; now I {gain}.",
            "not much yet, but I {gain} these days, and I {gain}.",
            "I don't {old} as much anymore; {whenpast} I {gain2}.",
            "{#person} <say> I {gain} now, {qual}.",
            "I {gain} now, and I don't {old} as often.",
        ],
        [AnswerKind.Pride] =
        [
            "proud that I {did} {whenpast}.",
            "that I {did}, {whenpast}.",
            "honestly that I {did} {whenpast}.",
            "proud of myself for showing up {whenpast}, even feeling {feeling}.",
            "I've {did2}, which I didn't expect. and I {did} {whenpast}.",
            "that I {did}. {#person} noticed too.",
        ],
        [AnswerKind.TriggerMap] =
        [
            "{tplace} {ttime}, and {tplace} {ttime}.",
            "mostly {ttime}, {tplace}.",
            "{tplace}, usually {ttime}.",
            "worst {ttime}; also {tplace}.",
            "{ttime} {tplace}, and any time I'm {feeling}.",
            "{tplace} {ttime}, especially with {#person}.",
        ],
        [AnswerKind.Alternative] =
        [
            "instead I'll {alt}, {ttime} especially.",
            "{alt} instead, or {alt}.",
            "next time I'll {alt} first, then {alt}.",
            "try to {alt} and wait ten minutes, {qual}.",
            "I'll {alt} as soon as it starts {ttime}.",
            "{alt} instead, or text {#person}.",
            "probably {alt} instead, {ttime}.",
        ],
        [AnswerKind.SleepAlternative] =
        [
            "{wind} instead of scrolling, then {wind}.",
            "I'll {wind} and leave the phone in the kitchen, {qual}.",
            "phone on charge downstairs, then {wind} and {wind}.",
            "{wind}, no screens. maybe {wind} too.",
            "probably {wind} instead of the TV, {whenf}.",
            "{wind}, then {wind}, no phone.",
        ],
        [AnswerKind.SupportPlan] =
        [
            "{#person}, because {pron} {why}.",
            "probably {#person}; {pron} {why}.",
            "{#person} or {#person2}.",
            "first {#person}, then {#person2}, then the helpline if it's late.",
            "{#person}. {pron} {why}.",
            "{#person2} or {#person}, {pron} {why}.",
        ],
        [AnswerKind.Connection] =
        [
            "had {activity} with {#person}.",
            "{#person} and I had {activity} on {day}.",
            "{activity} with {#person}, {result}.",
            "only {#person} really, {activity} {whenpast}, but it was good.",
            "met {#person} at {venue}, {result}.",
            "{#person} came round on {day}; {result}.",
        ],
        [AnswerKind.Slip] =
        [
            "{slipyou} {slipoffer}",
            "{slipyou} {slipany} {slipoffer}",
            "{slipany} {slipyou} {slipoffer}",
            "I'd say: {slipyou} {slipany}",
            "I'd tell them {slipany2}. {slipyou} {slipoffer}",
        ],
        [AnswerKind.Risk] =
        [
            "{risk} {ttime}, probably.",
            "probably {risk}, and {risk}.",
            "could be {risk}, especially {when}.",
            "if I'm honest, {risk}, {qual}.",
            "{risk} could knock me back, or {risk}.",
            "{risk}, and {risk}, probably.",
        ],
        [AnswerKind.SleepTimes] =
        [
            "{bedp} {bedtime}, {wakep} {waketime}.",
            "{bedp} {bedtime}, {wakep} {waketime}. {sleepnote}",
            "{bedp} {bedtime} but {sleepnote2}, {wakep} {waketime}.",
            "{bedp} {bedtime}, {wakep} {waketime}, {qual}.",
        ],
        [AnswerKind.RacingThoughts] =
        [
            "kept thinking about {thought} until {late}.",
            "{thought}, going round my head {qual}.",
            "my mind was on {thought} until {late}.",
            "lay awake over {thought}, then {thought}.",
            "mostly {thought}. kept me up till {late}.",
            "kept awake by {thought} and {thought}, {qual}.",
        ],
        [AnswerKind.Critic] =
        [
            "that I'm {crit}.",
            "\"you're {crit}.\" again, {when}.",
            "it said I'm {crit} and {crit}.",
            "told me I'll never {never}, {when}.",
            "same as always: I'm {crit} and {crit}.",
            "that I'm {crit}, {when} especially.",
        ],
        [AnswerKind.Reframe] =
        [
            "you're not {crit}, {counter}. you {counter2}.",
            "you're doing your best, and {counter}. you {counter2}.",
            "you {counter2} {whenpast}. that counts.",
            "it's okay, you're {kindtrait} and {counter}.",
            "{counter}. and you {counter2}.",
        ],
        [AnswerKind.Gratitude] =
        [
            "{good}, {good} and {good}.",
            "{good}; {good}; {good}.",
            "1) {good}, 2) {good}, 3) {good}.",
            "{good}, {good}, and {good}, which I didn't expect.",
        ],
        [AnswerKind.Value] =
        [
            "{value}: I {valueact} {whenpast}.",
            "{value}, because I {valueact}.",
            "probably {value}. I {valueact}.",
            "{value} and a bit of {value}, {qual}. I {valueact}.",
            "{value}. I {valueact} {whenpast}.",
        ],
    };

    /// <summary>One-word answers by kind (an observation's for kinds without their own).</summary>
    private static readonly Dictionary<AnswerKind, string[]> OneWordAnswers = new()
    {
        [AnswerKind.Observation] = ["fine", "tired", "calmer", "restless", "okay", "better", "nothing", "same", "meh", "dunno", "good", "rough", "distracted", "lighter"],
        [AnswerKind.Body] = ["chest", "shoulders", "stomach", "jaw", "throat", "hands", "neck", "gut"],
        [AnswerKind.Worry] = ["money", "work", "everything", "deadlines", "health", "exams"],
        [AnswerKind.TriggerMap] = ["evenings", "weekends", "fridays", "boredom", "payday"],
        [AnswerKind.Alternative] = ["walk", "tea", "gym", "music", "shower"],
        [AnswerKind.SleepAlternative] = ["reading", "bath", "stretching", "podcast", "crossword"],
        [AnswerKind.SupportPlan] = ["mum", "sister", "partner", "dad", "Zoë", "Søren", "José", "Priya"],
        [AnswerKind.Connection] = ["nobody", "mum", "neighbours", "Aoife", "Jürgen", "Tom"],
        [AnswerKind.Risk] = ["stress", "holidays", "payday", "loneliness", "weddings"],
        [AnswerKind.RacingThoughts] = ["money", "work", "everything", "tomorrow"],
        [AnswerKind.Critic] = ["lazy", "useless", "failure", "pathetic"],
        [AnswerKind.Gratitude] = ["sunshine", "coffee", "friends", "sleep"],
        [AnswerKind.Value] = ["honesty", "kindness", "patience", "courage", "family"],
    };

    private static readonly Subject[] People =
    [
        new("my sister", Agreement.One, "she"), new("my brother", Agreement.One, "he"), new("my partner", Agreement.One, "they"),
        new("my mum", Agreement.One, "she"), new("my dad", Agreement.One, "he"), new("my flatmate", Agreement.One, "they"),
        new("my neighbour", Agreement.One, "they"), new("my cousin", Agreement.One, "they"), new("my sponsor", Agreement.One, "they"),
        new("my therapist", Agreement.One, "they"), new("my best friend", Agreement.One, "they"), new("my aunt", Agreement.One, "she"),
        new("my uncle", Agreement.One, "he"), new("my gran", Agreement.One, "she"), new("my wife", Agreement.One, "she"),
        new("my husband", Agreement.One, "he"), new("my boyfriend", Agreement.One, "he"), new("my girlfriend", Agreement.One, "she"),
        new("my friend {fname}", Agreement.One, "she"), new("my friend {mname}", Agreement.One, "he"), new("{fname} from work", Agreement.One, "she"),
        new("{mname} from work", Agreement.One, "he"), new("{fname} from the group", Agreement.One, "she"), new("{mname} from the group", Agreement.One, "he"),
        new("my sister {fname}", Agreement.One, "she"), new("my brother {mname}", Agreement.One, "he"), new("{fname}", Agreement.One, "she"),
        new("{mname}", Agreement.One, "he"), new("my mate {mname}", Agreement.One, "he"), new("{fname} next door", Agreement.One, "she"),
        new("my parents", Agreement.Many, "they"), new("my friends from {city}", Agreement.Many, "they"),
    ];

    /// <summary>Typed subjects: their words, agreement and pronoun.</summary>
    private static readonly Dictionary<string, Subject[]> TypedSlots = new()
    {
        ["body"] =
        [
            new("chest", Agreement.One, "it"), new("shoulders", Agreement.Many, "they"), new("stomach", Agreement.One, "it"),
            new("jaw", Agreement.One, "it"), new("throat", Agreement.One, "it"), new("hands", Agreement.Many, "they"),
            new("neck", Agreement.One, "it"), new("forehead", Agreement.One, "it"), new("back", Agreement.One, "it"),
            new("gut", Agreement.One, "it"), new("legs", Agreement.Many, "they"), new("heart", Agreement.One, "it"),
            new("face", Agreement.One, "it"), new("temples", Agreement.Many, "they"), new("fists", Agreement.Many, "they"),
            new("knees", Agreement.Many, "they"), new("whole body", Agreement.One, "it"), new("head", Agreement.One, "it"),
            new("arms", Agreement.Many, "they"), new("lower back", Agreement.One, "it"),
        ],
        ["person"] = People,
        ["person2"] = People,
    };

    /// <summary>The names and places answers and triggers mention (first names, cities).</summary>
    internal static IEnumerable<string> NamesAndPlaces => Slots["fname"].Concat(Slots["mname"]).Concat(Slots["city"]);

    private static readonly Dictionary<string, string[]> Slots = new()
    {
        ["fname"] =
        [
            "Zoë", "Chloé", "Sofía", "Ingrid", "Aoife", "Siobhán", "Amélie", "Hélène", "Małgosia", "Priya", "Fatima", "Emma", "Grace",
            "Lucy", "Hannah", "Mia", "Olivia", "Aisha", "Nadia", "Jess", "Sarah", "Kate", "Leonie", "Renée", "Inês", "Åsa", "Ebru",
            "Zeynep", "Tamsin", "Rosa", "Mónica", "Chiara", "Yuki", "Ngozi", "Bea", "Ruth",
        ],
        ["mname"] =
        [
            "Jürgen", "José", "Søren", "Björn", "Łukasz", "François", "Rémi", "Tomás", "Seán", "Mehmet", "Raj", "Tom", "James", "Dan",
            "Liam", "Olly", "Sam", "Ben", "Kwame", "Ali", "Marco", "Luca", "Nikolaj", "Håkon", "Matías", "Joe", "Chris", "Rob", "Pete",
            "Callum", "Andrés", "Jonas", "Kenji", "Emeka", "Dev", "Gareth",
        ],
        ["name"] = ["{fname}", "{mname}"],
        ["city"] =
        [
            "Malmö", "Zürich", "Kraków", "Málaga", "Köln", "Göteborg", "São Paulo", "Montréal", "Reykjavík", "Łódź", "Tromsø",
            "Düsseldorf", "Leeds", "Bristol", "Manchester", "Glasgow", "Dublin", "Cork", "Cardiff", "Lyon", "Porto", "Oslo", "Berlin",
            "Brighton", "Sheffield", "York", "Bath", "Leicester", "Nottingham", "Aarhus", "Galway", "Edinburgh",
        ],
        ["venue"] =
        [
            "the pub", "the café", "the corner shop", "the gym", "the office", "the station", "the supermarket", "the park", "the bus stop",
            "the school gates", "the bakery", "the chemist", "the petrol station", "the library", "the canteen", "the off-licence",
            "the garden centre", "the swimming pool", "the shopping centre", "the bookies", "the kebab shop", "the market", "the café on the corner",
            "the café in {city}", "the bar near work", "{name}'s place", "my mate's flat", "the football club", "the church hall",
        ],
        ["when"] =
        [
            "after work", "on the bus this morning", "late at night", "at lunch", "first thing in the morning", "on {day} evening",
            "on {day} morning", "before the {meeting}", "after the {meeting}", "after the call with {name}", "in the queue at {venue}",
            "on the school run", "when the phone rang", "in the car", "at my desk", "before bed", "on the commute", "in the middle of a call",
            "while cooking dinner", "walking back from {venue}", "around {clock}", "just after {clock}", "after {name} texted",
            "on the train to {city}", "waiting at {venue}", "at {venue}", "in the shower", "at the weekend", "during the {meeting}",
            "at {name}'s birthday", "while the kids were at school", "on my lunch break", "on the way home from {venue}",
        ],
        ["clock"] = ["seven", "half eight", "nine", "ten", "quarter past eleven", "midnight", "two", "half five", "six", "four in the afternoon"],
        ["day"] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        ["meeting"] = ["team meeting", "stand-up", "check-in with my manager", "school meeting", "dentist appointment", "job interview", "GP appointment", "weekly review", "parents' evening"],
        ["qual"] =
        [
            "this time", "for once", "again", "today", "more than last time", "which surprised me", "I think", "if anything",
            "though it took a while", "to be honest", "more or less", "which helped", "weirdly", "in the end", "by the end",
        ],
        ["feeling"] =
        [
            "anxious", "flat", "wired", "irritable", "restless", "low", "on edge", "tired", "a bit calmer",
            "hopeful", "scattered", "numb", "tense", "okay-ish", "wobbly", "drained", "jittery", "fed up", "settled",
        ],
        ["after"] = ["calmer", "lighter", "a bit better", "about the same", "more awake", "more settled", "tired but okay", "less tense", "clearer"],
        ["sleepq"] = ["badly", "okay", "well for once", "about five hours", "on and off", "like a log", "terribly", "better than usual"],
        ["workq"] = ["manic", "quiet for once", "a slog", "alright", "chaos", "long", "better than expected"],
        ["remember"] = ["to breathe", "to eat lunch", "to call {name} back", "that it passes", "to go to bed earlier", "my water bottle"],
        ["activity"] = ["coffee", "a long phone call", "a walk", "lunch", "a video call", "a quick chat", "dinner", "voice notes back and forth", "a drink", "a swim", "a walk round {venue}"],
        ["whenpast"] = ["last week", "on Saturday", "yesterday", "twice this week", "at the weekend", "on a bad day", "on {day}", "this morning", "last night", "after the {meeting}"],
        ["whenf"] =
        [
            "tomorrow morning", "before lunch", "tonight", "today after work", "first thing tomorrow",
            "this afternoon", "on {day}", "before the weekend", "this evening", "after the {meeting}", "before {name} gets home",
        ],
        ["general"] =
        [
            "it was easier than last time", "I was more distracted than usual", "it helped to slow down",
            "I wanted to skip it but didn't", "it took a few minutes to settle", "I felt a bit lighter afterwards",
            "I kept getting interrupted", "it made more sense the second time", "the room was noisy", "I kept checking the time",
        ],
        ["body2"] =
        [
            "breathing goes fast", "heart starts racing", "hands go cold", "head starts to ache",
            "legs get restless", "face feels hot", "stomach turns over", "throat tightens", "jaw clenches", "shoulders creep up",
        ],
        ["bodyfeel"] = ["tight", "heavy", "fluttery", "clenched", "hot", "shaky", "knotted", "tense", "buzzy", "sore", "stiff", "prickly", "cold", "achy"],
        ["worry"] =
        [
            "{I} <freeze> in the {meeting}", "{I} <make> a mistake nobody can fix", "{I} <let> everyone down",
            "the test results{=many} <be> bad", "{I} <lose> my job in the restructure", "people{=many} <think> I'm not coping",
            "{I} <leave> the hob on", "{I} <run> out of time", "{#person} <be> annoyed with me",
            "something{=one} <happen> to the kids", "{I} <run> out of money before payday", "{I} <say> something stupid at {venue}",
            "the pain{=one} <mean> something serious", "{I} <fail> the exam", "{#person} <get> fed up with me",
            "{I} <have> a panic attack on the train to {city}", "nobody{=one} <talk> to me at the party", "the {meeting}{=one} <go> badly",
            "my {#body} <give> me away", "{#person} <cancel> on me again", "the flight to {city}{=one} <get> cancelled",
            "{I} <forget> what I wanted to say", "the landlord{=one} <put> the rent up",
        ],
        ["evfor"] =
        [
            "I did get one complaint last month", "my heart really was racing", "the deadline is tight",
            "I've been late twice", "{name} hasn't replied yet", "money is short this month",
            "I did forget once before", "the boss looked annoyed", "{name} seemed off with me", "the last {meeting} went badly",
        ],
        ["evagainst"] =
        [
            "my last review was good", "nobody has actually said anything", "I've handled worse",
            "I prepared more than usual", "the doctor said it's common", "I got through it last time",
            "my friends still invite me out", "there's a plan B", "it hasn't happened before",
            "I've done this presentation twice already", "{name} said it went fine", "the numbers add up", "I passed the last one",
        ],
        ["step"] =
        [
            "send the email I've been avoiding", "reply to {name}'s message", "put my trainers by the door",
            "write the first line of the report", "book the GP appointment", "tidy one shelf", "make the phone call",
            "go for a ten-minute walk", "ask for help with the deadline", "set a five-minute timer and start",
            "open the letter from the bank", "lay out tomorrow's clothes", "ring {name} back", "pop into {venue}",
            "fill in the form", "clear the kitchen table", "text {name} back", "walk to {venue}", "email {name} about the {meeting}",
            "sort out the {meeting} notes", "get to {venue} before it closes", "ask {name} for a lift", "prepare for the {meeting}",
        ],
        ["gain"] =
        [
            "notice the tension earlier", "take a breath before answering", "sleep a bit better", "say no more easily",
            "catch the spiral sooner", "ask for help", "go out more", "talk to myself more kindly",
            "stick to the plan most days", "bounce back quicker after a bad day", "laugh about it with {name}", "get to {venue} without panicking",
        ],
        ["old"] =
        [
            "panic before every call", "avoid the post", "lie awake for hours", "cancel plans at the last minute",
            "give in straight away", "beat myself up over small things", "check my phone all evening", "skip breakfast",
            "hide at home at weekends",
        ],
        ["did"] =
        [
            "kept going after a slip", "made the phone call", "stuck with it most days",
            "went to the party and left when I wanted", "told my partner how I feel", "got to bed before midnight all week",
            "stopped apologising for everything", "asked for help", "finished the whole journey", "turned down a drink",
            "went back to the gym", "went to {venue} on my own", "spoke up in the {meeting}", "visited {name} in {city}",
        ],
        ["gain2"] =
        [
            "say no to {name}", "go to {venue} on my own", "get through the {meeting} calmly", "sleep past six", "skip the extra shift",
            "ring {name} instead of stewing", "leave {venue} when I wanted", "stay off my phone all evening",
        ],
        ["did2"] =
        [
            "kept going after a slip", "stuck with it most days", "told my partner how I feel",
            "stopped apologising for everything", "asked for help twice", "turned down drinks three times",
            "been to bed on time most nights", "been back to {venue}", "called {name} every week",
        ],
        ["tplace"] =
        [
            "at {venue}", "at home alone", "in the car", "at my desk", "in bed with my phone", "on the walk home", "in the kitchen",
            "on the sofa", "at {name}'s", "outside {venue}", "near {venue}", "at {venue} in {city}",
        ],
        ["ttime"] =
        [
            "on Friday nights", "after a long shift", "after an argument", "when I'm bored", "late at night",
            "on payday", "when I'm stressed", "on {day} afternoons", "after dinner", "when the kids are asleep",
            "after a bad call", "after the {meeting}", "on {day} evenings",
        ],
        ["alt"] =
        [
            "go for a walk round the block", "make a cup of tea", "text someone from the group", "get a sparkling water",
            "take the long way home", "play a game on my phone", "have a shower", "go to the gym", "ring {name}",
            "eat something proper", "sit outside for five minutes", "put some music on", "do the dishes",
            "leave my card at home", "walk to {venue}", "message {name}",
        ],
        ["wind"] =
        [
            "read a paper book", "have a bath", "stretch for ten minutes", "listen to a podcast with the lights low",
            "write tomorrow's list", "do a crossword", "fold laundry with music on", "make a herbal tea",
            "journal for a bit", "chat with my partner", "do the breathing exercise", "sort my bag for tomorrow",
            "ring {name} for a chat", "knit for a while", "listen to the radio", "put a wash on", "water the plants",
            "read the book {name} lent me", "plan the trip to {city}", "write a card to {name}", "tidy the living room",
        ],
        ["why"] =
        [
            "always <pick> up", "<have> been through it too", "<know> the whole story", "said to call any time",
            "<be> good at calming me down", "never <lecture> me", "<live> round the corner", "<get> it",
            "<listen> without judging", "<make> me laugh", "<be> up late anyway", "<know> what to say",
        ],
        ["day"] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        ["result"] =
        [
            "felt good", "which I needed", "first time in weeks", "didn't want it to end", "bit awkward but nice",
            "we laughed a lot", "it did me good", "we talked for ages",
        ],
        ["slipyou"] =
        [
            "You're not back at zero.", "Be kind to yourself, you're allowed a bad day.",
            "You noticed it, that's already something.", "Look at how far you've come.",
            "What you learn from it matters more than the slip.", "You're human, it happens.",
            "Don't let one bad night become a bad week, you've got this.", "Call someone, you don't have to do this alone.",
            "Get some sleep, you can start again in the morning.", "You haven't lost the weeks you put in.",
        ],
        ["slipany"] =
        [
            "One slip doesn't undo the progress.", "Tomorrow is a new day.", "Progress isn't a straight line.",
            "It happens to everyone.", "Then I'd make them a cup of tea.", "The streak isn't the point.",
            "Nobody's perfect at this.",
        ],
        ["slipoffer"] =
        [
            "Let's get a coffee at {venue} this week.", "Ring me {whenf}.", "Text me {whenf} if it helps.", "Come round on {day}.",
            "I'll walk over to {venue} with you {whenf}.", "Want to come to {venue} on {day}?", "I'm free {whenf} if you want to talk.",
            "Call {name}, they've been there.", "We could go to {venue} {whenf}.",
        ],
        ["slipany2"] = ["it happens to everyone", "a slip isn't a fall", "one bad day doesn't cancel the good ones", "to ring me any time"],
        ["risk"] =
        [
            "stress at work", "the holidays", "going back to old friends", "skipping meals", "not sleeping",
            "getting complacent", "the wedding in {city}", "money worries", "being alone at weekends",
            "a row with my ex", "too many late nights", "thinking I've got it sorted", "{name}'s birthday drinks", "the trip to {city}",
        ],
        ["bedp"] = ["bed at", "lights out around", "went to bed about", "in bed by", "turned in at", "got into bed at"],
        ["bedtime"] = ["half ten", "eleven", "quarter to twelve", "half eleven", "midnight", "one", "quarter past twelve", "ten", "after two", "around eleven"],
        ["wakep"] = ["up at", "woke at", "alarm at", "awake from", "out of bed at", "woke up properly at"],
        ["waketime"] = ["half six", "seven", "five", "quarter to eight", "nine on the dot", "eight-ish", "six", "ten past seven"],
        ["sleepnote"] =
        [
            "Woke twice in the night.", "Slept straight through.", "Took ages to drop off.", "Up once for the loo.",
            "Snoozed three times.", "Felt rested for once.", "Dreams all night.", "Neighbour's dog woke me at four.",
        ],
        ["sleepnote2"] =
        [
            "lay awake for an hour", "was scrolling until late", "dozed off fast", "woke at three and stayed up a while",
            "the baby was up twice",
        ],
        ["thought"] =
        [
            "the conversation with my boss", "money", "tomorrow's to-do list", "whether I locked the car",
            "the noise from next door", "a song stuck in my head", "the kids' school stuff", "what I said at dinner",
            "the bills", "an email I haven't answered", "my mum's appointment", "the heat", "work on {day}",
            "what {name} said", "the trip to {city}", "the {meeting}",
        ],
        ["late"] = ["two", "gone midnight", "the early hours", "about one", "after three", "half one"],
        ["crit"] =
        [
            "lazy", "useless at this", "always behind", "a fraud at work", "too much for people",
            "boring", "a bad parent", "weak for needing help", "falling behind everyone", "stupid for forgetting",
            "hopeless with money", "a disappointment", "rubbish at everything",
        ],
        ["never"] = ["finish anything", "get it together", "be as good as them", "change", "keep a friend", "get this job right"],
        ["counter"] =
        [
            "you're tired and still turned up", "you're learning", "you did three hard things today",
            "you're allowed to ask for help", "you've handled worse than this", "you're doing more than most people see",
            "one mistake doesn't define anyone", "you're just human",
        ],
        ["counter2"] =
        [
            "got up and tried", "asked for help, which is brave", "made it through a hard week",
            "kept your promise to yourself", "noticed it, which is the first step", "looked after everyone else again",
        ],
        ["kindtrait"] = ["kind", "capable", "trying", "enough", "getting there", "stronger than you think"],
        ["good"] =
        [
            "a decent coffee", "finished the report", "the sun came out at lunch", "a good chat with my neighbour",
            "the bus was on time", "cooked a proper dinner", "my plant has a new leaf", "went to bed on time",
            "a text from {name}", "the kids laughed at my joke", "got outside for a walk",
            "ate lunch away from my desk", "cleared my inbox", "a hug from my daughter", "the meeting was cancelled",
            "nice weather", "found my keys straight away", "the dog was pleased to see me", "fixed the dripping tap",
            "someone held the door", "a hot shower", "my favourite song came on", "no headache today",
            "got a compliment at work", "coffee with {name}", "a postcard from {city}", "a quiet hour at {venue}",
        ],
        ["value"] =
        [
            "honesty", "kindness", "patience", "courage", "health", "family", "curiosity", "fairness",
            "reliability", "creativity", "respect", "generosity", "persistence", "balance",
        ],
        ["valueact"] =
        [
            "told my manager I'm struggling", "waited for my son without snapping", "went for a run instead of the sofa",
            "called my gran", "tried a new recipe", "owned up to a mistake", "helped a colleague with their work",
            "said no to the extra shift", "kept my promise to {name}", "listened instead of fixing", "left work on time",
        ],
        ["social"] = ["drinks after work", "a birthday party", "a wedding", "a barbecue", "a leaving do", "a gig", "the pub quiz", "a stag do", "a hen do"],
        ["trigwhen"] = ["tonight", "this weekend", "on Friday", "next week", "at short notice"],
        ["familytopic"] = ["the weekend plans", "money", "the kids' bedtime", "the holidays", "who does the washing up", "Christmas"],
        ["relation"] = ["my mum", "my dad", "my partner", "my sister", "my brother", "my ex", "my in-laws"],
        ["smallhour"] = ["three", "four", "half two", "five"],
        ["noise"] = ["the neighbours' party", "roadworks", "the dog next door", "a car alarm", "the baby"],
        ["count"] = ["three", "four", "five"],
        ["hours"] = ["four", "five", "three"],
        ["advert"] = ["the old brand", "a betting app", "happy hour at {venue}", "a takeaway deal"],
    };

    /// <summary>What a user notices in a scene without a prompt, by the journey's clinical focus.</summary>
    private static readonly Dictionary<string, string[]> Observations = new()
    {
        ["anxiety"] =
        [
            "my breathing got shallow before I caught it", "my shoulders dropped by the fourth round",
            "the racing thoughts slowed down", "I was holding my breath", "counting made it easier to stay with it",
            "the worry felt smaller afterwards", "my heart rate came down a bit", "I rushed the first round",
            "the tight feeling eased after a minute", "I could think more clearly afterwards",
        ],
        ["addictive_behaviour"] =
        [
            "the urge peaked and then dropped off", "the craving lasted less than ten minutes",
            "I reached for my phone without thinking", "the urge came back twice but weaker",
            "I was bored more than anything", "waiting it out actually worked",
            "the streak matters to me more than I thought", "I wanted to reward myself the old way",
            "the urge was strongest right after dinner", "I had an excuse ready before I'd even decided",
        ],
        ["sleep"] =
        [
            "I was calmer with the lights low", "my mind wandered less than last night", "I dozed off before the end",
            "the room was too warm", "getting outside early woke me up properly", "I checked the clock less",
            "my body felt heavy in a good way", "the routine is starting to feel normal", "I yawned through most of it",
            "coffee after lunch probably didn't help",
        ],
        ["mood"] =
        [
            "I had a bit more energy than yesterday", "doing it was easier than thinking about it",
            "my mood lifted a little afterwards", "I was kinder to myself than usual",
            "I still felt flat but I did it anyway", "getting started was the hardest part",
            "I smiled at something for the first time in days", "the list made the day feel manageable",
            "I compared myself to others less", "the low feeling passed quicker",
        ],
    };

    /// <summary>The thinking habits a user catches themselves in, in their own words (never a catalog label), by focus.</summary>
    private static readonly Dictionary<string, string[]> Catches = new()
    {
        ["anxiety"] = ["expecting the worst", "predicting it would go wrong", "imagining everyone staring", "bracing for bad news", "running through disasters"],
        ["addictive_behaviour"] = ["saying just this once", "thinking one won't hurt", "treating a week off as ruined", "bargaining with myself", "planning a reward the old way"],
        ["sleep"] = ["staying up just to get some time to myself", "scrolling to put off bed", "telling myself five more minutes", "watching one more episode"],
        ["mood"] = ["telling myself I should be further on", "assuming people were judging me", "brushing off the good bits", "guessing what {name} thought of me", "writing the day off by ten"],
    };
}

/// <summary>
/// The seams that give generated text away, found by rule (never a list of bad strings): an empty
/// text, a word doubled ("not not"), a third-person-singular verb after I/you/we/they or after a
/// plural noun ("I gets", "my hands gets"), "will"/"'ll" after "what if" in the same sentence, and
/// a catalog label (a journey, scene or mindblock name) inside quotes.
/// </summary>
public static class Seams
{
    public const string Empty = "empty";
    public const string DoubledWord = "doubled_word";
    public const string Agreement = "third_person_after_plural";
    public const string WillAfterWhatIf = "will_after_what_if";
    public const string QuotedLabel = "quoted_catalog_label";

    /// <summary>Every seam class, in the order <see cref="Find"/> tries them.</summary>
    public static IReadOnlyList<string> All { get; } = [Empty, DoubledWord, Agreement, WillAfterWhatIf, QuotedLabel];

    /// <summary>The catalog's labels: journey titles, scene titles, mindblock names.</summary>
    public static IReadOnlyList<string> LabelsOf(Catalog catalog) =>
        [.. catalog.Journeys.Select(j => j.Title).Concat(catalog.Journeys.SelectMany(j => j.Scenes).Select(s => s.Title)).Concat(catalog.Mindblocks.Select(m => m.Name)).Distinct()];

    // Words ending in s that are not a verb's third person singular.
    private static readonly HashSet<string> NotVerbs =
    [
        "always", "sometimes", "perhaps", "was", "as", "yes", "towards", "afterwards", "besides", "less", "unless", "this", "thus",
        "its", "his", "hers", "ours", "yours", "theirs", "plus", "whereas", "nowadays", "anyways", "us", "upstairs", "downstairs",
    ];

    // Words that may stand between a subject and its verb.
    private static readonly HashSet<string> Adverbs = ["always", "never", "often", "usually", "really", "just", "still", "also", "sometimes", "actually", "rarely", "only"];

    /// <summary>The first seam in <paramref name="text"/> (null: none), with <paramref name="labels"/> the catalog labels that must not be quoted.</summary>
    public static string? Find(string text, IReadOnlyList<string> labels)
    {
        var words = Words(text);
        if (words.Count == 0)
        {
            return Empty;
        }

        for (var i = 1; i < words.Count; i++)
        {
            if (words[i].Word == words[i - 1].Word)
            {
                return DoubledWord;
            }
        }

        for (var i = 0; i + 1 < words.Count; i++)
        {
            // The subject: I, you, we, they, or "my" and a plural noun; the verb: the next word of its sentence past any adverbs.
            var w = words[i].Word;
            var plural = w is "i" or "you" or "we" or "they";
            var v = i + 1;
            if (!plural && w == "my" && PluralNoun(words[i + 1].Word))
            {
                v = i + 2;
            }
            else if (!plural)
            {
                continue;
            }

            while (v < words.Count && Adverbs.Contains(words[v].Word))
            {
                v++;
            }

            if (v < words.Count && words[v].Sentence == words[i].Sentence &&
                (words[v].Word is "is" or "has" or "does" || (words[v].Word == "was" && w != "i") || ThirdPersonS(words[v].Word)))
            {
                return Agreement;
            }
        }

        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i].Word == "what" && words[i + 1].Word == "if")
            {
                for (var k = i + 2; k < words.Count && words[k].Sentence == words[i].Sentence; k++)
                {
                    if (words[k].Word is "will" or "won't" || words[k].Word.EndsWith("'ll", StringComparison.Ordinal))
                    {
                        return WillAfterWhatIf;
                    }
                }
            }
        }

        if (text.AsSpan().IndexOfAny("\"“”'‘’") >= 0 && QuotesALabel(text, labels))
        {
            return QuotedLabel;
        }

        return null;
    }

    private static bool ThirdPersonS(string w) =>
        w.Length >= 3 && w[^1] == 's' && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal) && !w.Contains('\'') && !NotVerbs.Contains(w);

    private static bool PluralNoun(string w) => ThirdPersonS(w);

    private static bool QuotesALabel(string text, IReadOnlyList<string> labels)
    {
        var lower = text.ToLowerInvariant();
        foreach (var label in labels)
        {
            var l = label.ToLowerInvariant();
            if (lower.Contains($"'{l}'", StringComparison.Ordinal) || lower.Contains($"‘{l}’", StringComparison.Ordinal))
            {
                return true;
            }
        }

        // Each span between double quotes (straight or curly): a label inside it as whole words.
        var open = -1;
        for (var i = 0; i < lower.Length; i++)
        {
            if (lower[i] is not ('"' or '“' or '”'))
            {
                continue;
            }

            if (open < 0)
            {
                open = i;
                continue;
            }

            var span = " " + string.Join(' ', Words(lower[(open + 1)..i]).Select(w => w.Word)) + " ";
            foreach (var label in labels)
            {
                var words = string.Join(' ', Words(label.ToLowerInvariant()).Select(w => w.Word));
                if (words.Length > 0 && span.Contains($" {words} ", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            open = -1;
        }

        return false;
    }

    /// <summary>The words of a text, lower-cased (letters and inner apostrophes), each with the number of its sentence.</summary>
    private static List<(string Word, int Sentence)> Words(string text)
    {
        var words = new List<(string, int)>();
        var sentence = 0;
        var word = new StringBuilder();
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsLetter(c) || (c is '\'' or '’' && word.Length > 0 && i + 1 < text.Length && char.IsLetter(text[i + 1])))
            {
                word.Append(c == '’' ? '\'' : char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length > 0)
            {
                words.Add((word.ToString(), sentence));
                word.Clear();
            }

            if (c is '.' or '?' or '!' or ';' or ':' or '\n')
            {
                sentence++;
            }
        }

        return words;
    }
}
