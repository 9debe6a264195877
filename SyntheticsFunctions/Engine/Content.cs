using System.Text;

namespace SyntheticsFunctions.Engine;

/// <summary>Words the synthetic users write: plausible, varied, and obviously not a real person's.</summary>
internal static class Content
{
    public static readonly string[] ResistanceStrategies =
    [
        "urge_surfing", "delay_ten_minutes", "change_environment", "call_support",
        "breathing_exercise", "reframe_thought", "none",
    ];

    public static readonly (string Type, string Description)[] RealWorldTriggers =
    [
        ("social_event", "Invited to drinks after work"),
        ("work_stress", "Deadline moved forward unexpectedly"),
        ("family_conflict", "Argument at home over the weekend plans"),
        ("sleep_disruption", "Woke up at 4am and could not get back to sleep"),
        ("location", "Walked past the old place on the way home"),
        ("notification", "Saw a post that brought back the habit"),
    ];

    public static readonly string[] MindblockSignals = ["noticed", "triggered", "reframed", "released"];

    public static readonly (string Code, string Message)[] ClientErrors =
    [
        ("capture_upload_failed", "Upload of the capture timed out"),
        ("scene_asset_missing", "Scene media failed to load"),
        ("sync_conflict", "Local progress conflicted with the server copy"),
    ];

    public static string MindblockStatusFor(int intensity) => intensity switch
    {
        >= 7 => "struggling",
        >= 4 => "working_on_it",
        _ => "easing",
    };

    /// <summary>Chance that an answer gets a second, everyday sentence after it.</summary>
    private const double TailChance = 0.4;

    /// <summary>Chance that an answer is typed casually: no capital, no full stop.</summary>
    private const double CasualChance = 0.2;

    /// <summary>
    /// A user's answer to a capture prompt, composed from fragments: the prompt picks the kind of
    /// answer (a body sensation for a body prompt, places and times for a trigger map, bed and wake
    /// times for a sleep diary...), one of that kind's templates is filled from its slots, and the
    /// journey's clinical focus and the catalog's mindblocks of that focus colour the observations.
    /// A scene without a prompt ("What did you notice in ...?") and a prompt this table does not
    /// know get an observation on the journey's focus. Only <paramref name="random"/> is drawn from.
    /// </summary>
    public static string Capture(Random random, string? prompt, string focus, Catalog catalog)
    {
        var kind = KindOf(prompt);
        var text = new StringBuilder(160);
        var templates = kind == AnswerKind.Observation ? ObservationTemplates : Answers[kind];
        var template = Sampling.Pick(random, templates);
        if (template.Contains("{mindblock}", StringComparison.Ordinal) && !catalog.Mindblocks.Any(m => m.ClinicalFocus == focus))
        {
            template = templates[0];
        }

        Fill(text, template, random, focus, catalog);
        if (random.NextDouble() < TailChance)
        {
            text.Append(' ');
            Fill(text, Sampling.Pick(random, Tails), random, focus, catalog);
        }

        text[0] = char.ToUpperInvariant(text[0]);
        if (random.NextDouble() < CasualChance)
        {
            text[0] = char.ToLowerInvariant(text[0]);
            if (text[^1] == '.')
            {
                text.Length--;
            }
        }

        return text.ToString();
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

    /// <summary>
    /// Appends <paramref name="template"/> with each {slot} replaced by one of its fragments; a
    /// slot used twice in one answer gets two different fragments.
    /// </summary>
    private static void Fill(StringBuilder text, string template, Random random, string focus, Catalog catalog)
    {
        Span<int> used = stackalloc int[4];
        var usedCount = 0;
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                text.Append(template, i, template.Length - i);
                return;
            }

            text.Append(template, i, open - i);
            var close = template.IndexOf('}', open);
            var slot = template[(open + 1)..close];
            var fragments = FragmentsFor(slot, focus, catalog);
            var index = random.Next(fragments.Count);
            var key = (slot.GetHashCode(StringComparison.Ordinal) * 397) ^ index;
            while (usedCount > 0 && used[..usedCount].Contains(key) && fragments.Count > usedCount)
            {
                index = (index + 1) % fragments.Count;
                key = (slot.GetHashCode(StringComparison.Ordinal) * 397) ^ index;
            }

            if (usedCount < used.Length)
            {
                used[usedCount++] = key;
            }

            text.Append(fragments[index]);
            i = close + 1;
        }
    }

    private static IReadOnlyList<string> FragmentsFor(string slot, string focus, Catalog catalog) => slot switch
    {
        "obs" => Observations.GetValueOrDefault(focus, GeneralObservations),
        "mindblock" => [.. catalog.Mindblocks.Where(m => m.ClinicalFocus == focus).Select(m => m.Name.ToLowerInvariant())],
        _ => Slots.TryGetValue(slot, out var fragments) ? fragments : throw new InvalidOperationException($"No fragments for the slot {{{slot}}}."),
    };

    private static readonly string[] ObservationTemplates =
    [
        "Noticed {obs}.",
        "I noticed {obs} {when}.",
        "Found that {obs}.",
        "Realised {obs}.",
        "Felt {feeling} going in and {after} afterwards.",
        "Caught the \"{mindblock}\" thought again, {when}.",
        "Spotted that {obs}, which was new.",
        "Mostly I noticed {obs}.",
        "Noticed {general}.",
    ];

    private static readonly string[] Tails =
    [
        "Felt {feeling} {when}.", "Long day.", "Bit {feeling} today.", "Better than yesterday, I think.",
        "Hard to put into words.", "Writing it down helps.", "Mood about {n} out of 10.",
        "Still {feeling}, but managing.", "Not sure it's working yet.", "Will keep going.",
        "Took a while to answer this one.", "Slept {sleepq} last night.", "Trying to be honest here.",
        "Small thing but it counts.", "Was {feeling} most of the day.", "More tomorrow.",
    ];

    private static readonly Dictionary<AnswerKind, string[]> Answers = new()
    {
        [AnswerKind.Body] =
        [
            "My {body} gets {bodyfeel} first, usually {when}.",
            "In my {body}. It goes {bodyfeel} {when}.",
            "My {body} first, then my {body2}.",
            "A {bodyfeel} feeling in my {body}, {when}.",
            "Mostly in my {body}, {bodyfeel} and hard to ignore.",
        ],
        [AnswerKind.Worry] =
        [
            "I'm worried that {worry}.",
            "What if {worry}?",
            "The worry: {worry}.",
            "Scared that {worry}, {when} especially.",
            "Afraid that {worry} and that everyone will notice.",
        ],
        [AnswerKind.Evidence] =
        [
            "For it: {evfor}. Against it: {evagainst}.",
            "The facts: {evagainst}, and {evagainst}.",
            "Evidence against: {evagainst}. Evidence for: {evfor}.",
            "Only fact for it is {evfor}; against it, {evagainst}.",
            "Not much evidence for it really; {evagainst}.",
        ],
        [AnswerKind.NextStep] =
        [
            "{step} {whenf}.",
            "Smallest step: {step} {whenf}.",
            "Just {step}, nothing more.",
            "I'll {step} {whenf}.",
            "Probably to {step}; one step at a time.",
        ],
        [AnswerKind.Change] =
        [
            "I {gain} now.",
            "Since starting I {gain}.",
            "I used to {old}; now I {gain}.",
            "Not much yet, but I {gain} these days.",
            "I don't {old} as much anymore.",
        ],
        [AnswerKind.Pride] =
        [
            "Proud that I {did}.",
            "That I {did}, {whenpast}.",
            "Honestly, that I {did}.",
            "Proud of myself for showing up, even {whenpast}.",
            "I've {did2}, which I didn't expect.",
        ],
        [AnswerKind.TriggerMap] =
        [
            "{tplace} {ttime}, and {tplace} {ttime}.",
            "Mostly {ttime}, {tplace}.",
            "{tplace}, usually {ttime}.",
            "Worst {ttime}; also {tplace}.",
            "{ttime} {tplace}, and any time I'm {feeling}.",
        ],
        [AnswerKind.Alternative] =
        [
            "Instead I'll {alt}.",
            "{alt} instead.",
            "Next time I'll {alt} first.",
            "Try to {alt} and wait ten minutes.",
            "I'll {alt} as soon as it starts.",
        ],
        [AnswerKind.SleepAlternative] =
        [
            "{wind} instead of scrolling.",
            "I'll {wind} and leave the phone in the kitchen.",
            "Phone on charge downstairs, then {wind}.",
            "{wind}, no screens.",
            "Probably {wind} instead of the TV.",
        ],
        [AnswerKind.SupportPlan] =
        [
            "{person}, {why}.",
            "Probably {person}; {why}.",
            "{person} or {person}.",
            "First {person}, then the helpline if it's late.",
            "{person}. {why2}",
        ],
        [AnswerKind.Connection] =
        [
            "Had {activity} with {person}.",
            "{person}, {activity} on {day}.",
            "{activity} with {person}, {result}.",
            "Only {person} really, but it was good.",
            "{person} and {person}, {activity} on {day}.",
        ],
        [AnswerKind.Slip] =
        [
            "{slipyou}",
            "{slipyou} {slipany}",
            "{slipany} {slipyou}",
            "I'd say: {slipyou}",
        ],
        [AnswerKind.Risk] =
        [
            "{risk}, probably.",
            "Probably {risk}.",
            "Could be {risk}, especially {when}.",
            "If I'm honest, {risk}.",
            "{risk} could knock me back.",
        ],
        [AnswerKind.SleepTimes] =
        [
            "{bedp} {bedtime}, {wakep} {waketime}.",
            "{bedp} {bedtime}, {wakep} {waketime}. {sleepnote}",
            "{bedp} {bedtime} but {sleepnote2}, {wakep} {waketime}.",
        ],
        [AnswerKind.RacingThoughts] =
        [
            "Kept thinking about {thought}.",
            "{thought} going round my head.",
            "My mind was on {thought} until {late}.",
            "Lay awake over {thought}, then {thought}.",
            "Mostly {thought}. Kept me up till {late}.",
        ],
        [AnswerKind.Critic] =
        [
            "That I'm {crit}.",
            "\"You're {crit}.\"",
            "It said I'm {crit} and {crit}.",
            "Told me I'll never {never}.",
            "Same as always: I'm {crit}.",
        ],
        [AnswerKind.Reframe] =
        [
            "You're not {crit}, {counter}.",
            "You're doing your best, and {counter}.",
            "You {counter2}. That counts.",
            "It's okay, you're {kindtrait} and {counter}.",
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
            "{value}: I {valueact}.",
            "{value}, because I {valueact}.",
            "Probably {value}. I {valueact}.",
            "{value} and a bit of {value}.",
        ],
    };

    private static readonly Dictionary<string, string[]> Slots = new()
    {
        ["when"] =
        [
            "after work", "on the bus this morning", "late at night", "at lunch", "first thing in the morning",
            "on Sunday evening", "before meetings", "in the supermarket queue", "on the school run",
            "when the phone rings", "in the car", "at my desk", "before bed", "on the commute", "in the middle of a call",
        ],
        ["feeling"] =
        [
            "anxious", "flat", "wired", "irritable", "restless", "low", "on edge", "tired", "a bit calmer",
            "hopeful", "scattered", "numb", "tense", "okay-ish",
        ],
        ["after"] = ["calmer", "lighter", "a bit better", "about the same", "more awake", "more settled", "tired but okay"],
        ["n"] = ["3", "4", "5", "6", "7", "8"],
        ["sleepq"] = ["badly", "okay", "well for once", "about five hours", "on and off", "like a log"],
        ["general"] =
        [
            "it was easier than last time", "I was more distracted than usual", "it helped to slow down",
            "I wanted to skip it but didn't", "it took a few minutes to settle", "I felt a bit lighter afterwards",
            "I kept getting interrupted", "it made more sense the second time",
        ],
        ["body"] = ["chest", "shoulders", "stomach", "jaw", "throat", "hands", "neck", "forehead", "back", "gut"],
        ["body2"] =
        [
            "breathing goes fast", "heart starts racing", "hands go cold", "head starts to ache",
            "legs get restless", "face feels hot", "stomach turns over",
        ],
        ["bodyfeel"] = ["tight", "heavy", "fluttery", "clenched", "hot", "shaky", "knotted", "tense", "buzzy", "sore"],
        ["worry"] =
        [
            "I'll freeze in the meeting", "I'll make a mistake nobody can fix", "I'm letting everyone down",
            "the test results will be bad", "I'll lose my job in the restructure", "people think I'm not coping",
            "I left the hob on", "I won't be ready in time", "my friends are annoyed with me",
            "something will happen to the kids", "I'll run out of money before payday", "I said something stupid yesterday",
            "the pain means something serious", "I'll fail the exam", "my partner is going to leave",
        ],
        ["evfor"] =
        [
            "I did get one complaint last month", "my heart really was racing", "the deadline is tight",
            "I've been late twice", "she hasn't replied yet", "money is short this month",
            "I did forget once before", "the boss looked annoyed",
        ],
        ["evagainst"] =
        [
            "my last review was good", "nobody has actually said anything", "I've handled worse",
            "I prepared more than usual", "the doctor said it's common", "I got through it last time",
            "my friends still invite me out", "there's a plan B", "it's never happened before",
            "I've done this presentation twice already",
        ],
        ["step"] =
        [
            "send the email I've been avoiding", "reply to one message", "put my trainers by the door",
            "write the first line of the report", "book the GP appointment", "tidy one shelf", "make the phone call",
            "go for a ten-minute walk", "ask for help with the deadline", "set a five-minute timer and start",
            "open the letter from the bank", "lay out tomorrow's clothes",
        ],
        ["whenf"] =
        [
            "tomorrow morning", "before lunch", "tonight", "today after work", "first thing tomorrow",
            "this afternoon", "on Monday", "before the weekend", "this evening",
        ],
        ["gain"] =
        [
            "notice the tension earlier", "take a breath before answering", "sleep a bit better", "say no more easily",
            "catch the spiral sooner", "ask for help", "go out more", "talk to myself more kindly",
            "stick to the plan most days", "bounce back quicker after a bad day",
        ],
        ["old"] =
        [
            "panic before every call", "avoid the post", "lie awake for hours", "cancel plans at the last minute",
            "give in straight away", "beat myself up over small things", "check my phone all evening", "skip breakfast",
        ],
        ["did"] =
        [
            "kept going after a slip", "made the phone call", "stuck with it most days",
            "went to the party and left when I wanted", "told my partner how I feel", "got to bed before midnight all week",
            "stopped apologising for everything", "asked for help", "finished the whole journey", "turned down a drink",
            "went back to the gym",
        ],
        ["did2"] =
        [
            "kept going after a slip", "stuck with it most days", "told my partner how I feel",
            "stopped apologising for everything", "asked for help twice", "turned down drinks three times",
            "been to bed on time most nights",
        ],
        ["whenpast"] = ["last week", "on Saturday", "yesterday", "twice this week", "at the weekend", "on a bad day"],
        ["tplace"] =
        [
            "at the pub", "at home alone", "in the car", "at my desk", "at the corner shop", "at parties",
            "in bed with my phone", "at my mate's house", "on the walk home", "in the kitchen",
            "at the petrol station", "on the sofa",
        ],
        ["ttime"] =
        [
            "on Friday nights", "after a long shift", "after an argument", "when I'm bored", "late at night",
            "on payday", "when I'm stressed", "on Sunday afternoons", "after dinner", "when the kids are asleep",
            "after a bad call",
        ],
        ["alt"] =
        [
            "go for a walk round the block", "make a cup of tea", "text someone from the group", "get a sparkling water",
            "take the long way home", "play a game on my phone", "have a shower", "go to the gym", "ring my sister",
            "eat something proper", "sit outside for five minutes", "put some music on", "do the dishes",
            "leave my card at home",
        ],
        ["wind"] =
        [
            "read a paper book", "have a bath", "stretch for ten minutes", "listen to a podcast with the lights low",
            "write tomorrow's list", "do a crossword", "fold laundry with music on", "make a herbal tea",
            "journal for a bit", "chat with my partner", "do the breathing exercise", "sort my bag for tomorrow",
        ],
        ["person"] =
        [
            "my sister", "my brother", "my partner", "my mum", "my dad", "an old friend", "a friend from work",
            "my flatmate", "my neighbour", "my cousin", "my sponsor", "the group chat", "my therapist",
            "my best friend", "my aunt", "my coach",
        ],
        ["why"] =
        [
            "they always pick up", "they've been through it too", "no judgement there", "they know the whole story",
            "they said call any time", "we talk most days anyway", "they're good at calming me down",
            "they won't lecture me",
        ],
        ["why2"] =
        [
            "Always picks up.", "Been through it too.", "No judgement.", "Knows the whole story.",
            "Said to call any time.", "Good at calming me down.",
        ],
        ["activity"] = ["coffee", "a long phone call", "a walk", "lunch", "a video call", "a quick chat", "dinner", "voice notes back and forth"],
        ["day"] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        ["result"] =
        [
            "felt good", "which I needed", "first time in weeks", "didn't want it to end", "bit awkward but nice",
            "we laughed a lot",
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
        ["risk"] =
        [
            "stress at work", "the holidays", "going back to old friends", "skipping meals", "not sleeping",
            "getting complacent", "the wedding next month", "money worries", "being alone at weekends",
            "a row with my ex", "too many late nights", "thinking I've got it sorted",
        ],
        ["bedp"] = ["Bed at", "Lights out around", "Went to bed about", "In bed by", "Turned in at", "Got into bed at"],
        ["bedtime"] = ["10:30pm", "11pm", "11:45", "half eleven", "midnight", "1am", "quarter past twelve", "10pm", "after 2am", "around 11"],
        ["wakep"] = ["up at", "woke at", "alarm at", "awake from", "out of bed at", "woke up properly at"],
        ["waketime"] = ["6:30", "7am", "5am", "half six", "quarter to eight", "9 on the dot", "8ish", "6"],
        ["sleepnote"] =
        [
            "Woke twice in the night.", "Slept straight through.", "Took ages to drop off.", "Up once for the loo.",
            "Snoozed three times.", "Felt rested for once.", "Dreams all night.", "Neighbour's dog woke me at 4.",
        ],
        ["sleepnote2"] =
        [
            "lay awake for an hour", "was scrolling until late", "dozed off fast", "woke at 3 and stayed up a while",
            "the baby was up twice",
        ],
        ["thought"] =
        [
            "the conversation with my boss", "money", "tomorrow's to-do list", "whether I locked the car",
            "the noise from next door", "a song stuck in my head", "the kids' school stuff", "what I said at dinner",
            "the bills", "an email I haven't answered", "my mum's appointment", "the heat", "work on Monday",
        ],
        ["late"] = ["2am", "gone midnight", "the early hours", "about 1", "after 3", "half one"],
        ["crit"] =
        [
            "lazy", "useless at this", "always behind", "not good enough", "a fraud at work", "too much for people",
            "boring", "a bad parent", "weak for needing help", "falling behind everyone", "stupid for forgetting",
            "hopeless with money",
        ],
        ["never"] = ["finish anything", "get it together", "be as good as them", "change", "keep a friend", "get this job right"],
        ["counter"] =
        [
            "you're tired and still turned up", "you're learning", "you did three hard things today",
            "you're allowed to ask for help", "you've handled worse than this", "you're doing more than most people see",
            "one mistake doesn't define you", "you're just human",
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
            "a text from an old friend", "the kids laughed at my joke", "got outside for a walk",
            "ate lunch away from my desk", "cleared my inbox", "a hug from my daughter", "the meeting was cancelled",
            "nice weather", "found my keys straight away", "the dog was pleased to see me", "fixed the dripping tap",
            "someone held the door", "a hot shower", "my favourite song came on", "no headache today",
            "got a compliment at work",
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
            "said no to the extra shift", "kept my promise to a friend", "listened instead of fixing", "left work on time",
        ],
    };

    /// <summary>What a user notices in a scene without a prompt, by the journey's clinical focus.</summary>
    private static readonly Dictionary<string, string[]> Observations = new()
    {
        ["anxiety"] =
        [
            "my breathing got shallow before I caught it", "my shoulders dropped by the fourth round",
            "the racing thoughts slowed down", "I was holding my breath", "counting made it easier to stay with it",
            "the worry felt smaller afterwards", "my heart rate came down a bit", "I rushed the first round",
            "the tight feeling eased after a minute", "I could think more clearly after",
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

    private static readonly string[] GeneralObservations = Slots["general"];
}
