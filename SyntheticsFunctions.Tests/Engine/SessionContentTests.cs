using System.Text;
using System.Text.RegularExpressions;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// What happens inside sessions: dwell times, session lengths, capture texts and real-world
/// triggers, measured over many sessions planned back to back by one user per seed (each session
/// continuing the journey the last one left, as the engine does).
/// </summary>
public partial class SessionContentTests
{
    private static readonly int[] Seeds = [101, 202, 303];

    [Fact]
    public void Dwell_times_stay_within_the_contract_and_lean_right()
    {
        foreach (var seed in Seeds)
        {
            var fractions = new List<double>();
            foreach (var (_, plan) in Chain(seed, 5_000, people: true))
            {
                var rows = plan.Rows.Select(r => r.Row).ToList();
                foreach (var completed in rows.OfType<InstanceSceneRow>().Where(s => s.Status == SceneStatus.Completed))
                {
                    var contract = SceneOf(completed.SceneId).Contract;
                    var dwell = (completed.CompletedAt!.Value - completed.OpenedAt).TotalSeconds;
                    Assert.InRange(dwell, contract.MinDwellSeconds, contract.MaxDwellSeconds);
                    fractions.Add((dwell - contract.MinDwellSeconds) / (contract.MaxDwellSeconds - contract.MinDwellSeconds));
                }
            }

            var mean = fractions.Average();
            var median = Quantile(fractions, 0.5);
            var skewness = fractions.Sum(f => Math.Pow(f - mean, 3)) / fractions.Count / Math.Pow(StdDev(fractions), 3);
            Console.WriteLine($"dwell seed {seed}: {fractions.Count} scenes, fraction of range mean {mean:F3} median {median:F3} p95 {Quantile(fractions, 0.95):F3} skewness {skewness:F2} lower half {fractions.Count(f => f < 0.5) / (double)fractions.Count:P0}");

            // A uniform draw has median = mean, skewness 0 and half its draws in the lower half of the
            // range; the right tail puts the median below the mean and most draws low.
            Assert.InRange(median, 0.25, mean - 0.025);
            Assert.InRange(skewness, 0.4, 1.5);
            Assert.InRange(fractions.Count(f => f < 0.5) / (double)fractions.Count, 0.65, 0.9);
            Assert.True(Quantile(fractions, 0.99) > 0.85, "the tail reaches the contract's maximum");
        }
    }

    [Fact]
    public void Session_length_has_a_long_tail_through_the_waits_between_scenes()
    {
        foreach (var seed in Seeds)
        {
            var lengths = Chain(seed, 20_000, people: true).Select(s => (s.Plan.EndsAt - s.State.StartedAt).TotalSeconds).ToList();
            var median = Quantile(lengths, 0.5);
            var p99 = Quantile(lengths, 0.99);
            var over30 = lengths.Count(l => l > 1_800) / (double)lengths.Count;
            Console.WriteLine($"session length seed {seed}: mean {lengths.Average():F0} s, median {median:F0} s, p99 {p99:F0} s, p99/median {p99 / median:F2}, over 30 min {over30:P2}, longest {lengths.Max():F0} s");

            // The rare interruption between scenes (2.5% of pauses, 8 minutes to 4 hours) makes the tail:
            // p99 well above 3 medians, about 1% of sessions over 30 minutes, none over 4 hours and 3 scenes.
            Assert.InRange(p99 / median, 6, 20);
            Assert.InRange(over30, 0.006, 0.02);
            Assert.InRange(median, 120, 200);
            Assert.True(lengths.Max() < 2 * 4 * 3_600, "two interruptions of 4 hours at most");
        }
    }

    [Fact]
    public void Steps_inside_a_scene_are_spaced_unevenly_at_each_persons_own_pace()
    {
        var catalog = DefaultCatalog.Catalog;
        foreach (var seed in Seeds)
        {
            var scenes = 0;
            foreach (var (_, plan) in Chain(seed, 5_000, people: true))
            {
                var rows = plan.Rows.Select(r => r.Row).ToList();
                foreach (var scene in rows.OfType<InstanceSceneRow>().Where(s => s.Status == SceneStatus.Completed))
                {
                    // Opened, captures and the check, in time order; all inside the scene.
                    var steps = rows.OfType<SceneEventRow>()
                        .Where(e => e.InstanceSceneId == scene.Id && e.EventType is EventTypes.SceneOpened or EventTypes.CaptureSubmitted or EventTypes.ResistanceCheckCompleted)
                        .Select(e => e.CreatedAt).Order().ToList();
                    var contract = SceneOf(scene.SceneId).Contract;
                    Assert.Equal(1 + contract.RequiredCaptures + (contract.RequiresResistanceCheck ? 1 : 0), steps.Count);
                    Assert.All(steps, at => Assert.InRange(at, scene.OpenedAt, scene.CompletedAt!.Value));
                    Assert.False(SyntheticsFunctions.Engine.Realism.RealismFigures.HasEqualGaps([.. steps, scene.CompletedAt!.Value]), $"scene {scene.Id} has two equal gaps");
                    scenes++;
                }
            }

            Assert.InRange(scenes, 8_000, 9_500);
        }

        // People differ in pace, the same person always has the same: about a quarter either way.
        var paces = Enumerable.Range(0, 10_000).Select(i => SessionPlanner.Pace(new Guid(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8]))).ToList();
        Assert.Equal(SessionPlanner.Pace(new Guid(42, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8])), paces[42]);
        Assert.InRange(Quantile(paces, 0.5), 0.97, 1.03);
        Assert.InRange(StdDev([.. paces.Select(p => Math.Log(p))]), 0.23, 0.27);
        Assert.Equal(catalog.Journeys.Count, catalog.Journeys.Select(j => j.Id).Distinct().Count());
    }

    [Fact]
    public void Real_world_triggers_land_only_while_the_journey_is_in_progress()
    {
        foreach (var seed in Seeds)
        {
            int triggers = 0, outside = 0;
            var ended = new Dictionary<Guid, DateTimeOffset>();
            var started = new Dictionary<Guid, DateTimeOffset>();
            var all = new List<RealWorldTriggerRow>();
            foreach (var (state, plan) in Chain(seed, 10_000))
            {
                foreach (var row in plan.Rows)
                {
                    switch (row.Row)
                    {
                        case InstanceRow i when i.Status != InstanceStatus.Active:
                            ended.TryAdd(i.Id, row.At);
                            break;
                        case InstanceRow i:
                            started.TryAdd(i.Id, i.StartedAt);
                            break;
                        case RealWorldTriggerRow t:
                            all.Add(t);
                            break;
                    }
                }
            }

            foreach (var t in all)
            {
                triggers++;
                var after = ended.TryGetValue(t.InstanceId, out var end) && t.CreatedAt >= end;
                var before = started.TryGetValue(t.InstanceId, out var start) && t.CreatedAt < start;
                if (after || before)
                {
                    outside++;
                }
            }

            Console.WriteLine($"triggers seed {seed}: {triggers}, at or after the journey's completion or abandonment {outside} ({outside / (double)triggers:P1})");
            Assert.True(triggers > 2_000);
            Assert.Equal(0, outside);
        }
    }

    [Fact]
    public void Captures_are_varied_after_lower_casing_and_stripping_digits_and_punctuation()
    {
        foreach (var seed in Seeds)
        {
            var captures = Chain(seed, 10_000).SelectMany(s => s.Plan.Rows.Select(r => r.Row).OfType<CaptureRow>()).Take(10_000).ToList();
            Assert.Equal(10_000, captures.Count);
            var distinct = captures.Select(c => Normalise(c.Response)).Distinct().Count();
            var raw = captures.Select(c => c.Response).Distinct().Count();
            Console.WriteLine($"captures seed {seed}: {distinct} distinct per 10,000 after normalising ({raw} raw)");
            foreach (var sample in captures.Where((_, i) => i % 500 == 0))
            {
                Console.WriteLine($"  {sample.Prompt} -> {sample.Response}");
            }

            Assert.InRange(distinct, 1_000, 10_000);
        }
    }

    /// <summary>Words that an answer to each kind of prompt of the default catalog must contain (written here, not taken from the engine's tables).</summary>
    private static readonly Dictionary<Content.AnswerKind, string> AnswerMarkers = new()
    {
        [Content.AnswerKind.Body] = @"\b(chest|shoulders?|stomach|jaw|throat|hands?|neck|forehead|back|head|legs?|gut|heart|breath|breathing|temples|face|fists?|knees?|arms?|body)\b",
        [Content.AnswerKind.Worry] = @"(worr|what if|afraid|scared|fear)",
        [Content.AnswerKind.Evidence] = @"(fact|evidence|for it|against)",
        [Content.AnswerKind.NextStep] = @"(step|i'll|i will|\bjust\b|tomorrow|tonight|today|morning|afternoon|evening|lunch|monday|weekend|before|after|day)",
        [Content.AnswerKind.Change] = @"(now|since|used to|anymore|than before|these days)",
        [Content.AnswerKind.TriggerMap] = @"\b(at|in|on|when|after|before|near|outside)\b.*\b(at|in|on|when|after|before|near|outside|night|evening|morning|weekend|friday|payday|afternoon)\b",
        [Content.AnswerKind.Alternative] = @"(instead|next time|i'll|i will|\btry\b)",
        [Content.AnswerKind.SupportPlan] = PersonMarker,
        [Content.AnswerKind.Slip] = @"\byou",
        [Content.AnswerKind.Risk] = @"(risk|could|might|if i|probably|danger|worried|worry)",
        [Content.AnswerKind.SleepTimes] = @"(bed|asleep|lights out|turned in).*(up|woke|wake|awake|alarm|out of bed)",
        [Content.AnswerKind.SleepAlternative] = @"(instead|phone|screen|scroll|tv|laptop)",
        [Content.AnswerKind.RacingThoughts] = @"(kept|awake|mind|head|thinking|replay)",
        [Content.AnswerKind.Critic] = @"(that i|i'm|i am|you're|you are|told me|said)",
        [Content.AnswerKind.Reframe] = @"\byou",
        [Content.AnswerKind.Gratitude] = @"^[^,;]+[,;][^,;]+(,|;| and )[^,;]+",
        [Content.AnswerKind.Value] = @"\b(honesty|kindness|patience|courage|health|family|curiosity|fairness|reliability|creativity|respect|generosity|gratitude|persistence|balance)\b",
        [Content.AnswerKind.Connection] = PersonMarker,
        [Content.AnswerKind.Pride] = @"(proud|that i|myself|i've|i have|managed)",
    };

    private const string PersonMarker = @"\b(sister|brother|mum|mom|dad|partner|friends?|sponsor|colleague|flatmate|neighbour|cousin|coach|helpline|group|aunt|uncle|nan|gran|therapist|mentor|wife|husband|boyfriend|girlfriend|team|daughter|son|gp|manager|parents|mate|next door|from work|from the group)\b";

    [Fact]
    public void Every_capture_answers_its_scenes_prompt()
    {
        // Every prompt of a scene with a capture_prompt, each asking for a kind of answer the markers know.
        var scenes = DefaultCatalog.Catalog.Journeys.SelectMany(j => j.Scenes).Where(s => s.Contract.RequiredCaptures > 0).ToList();
        var prompts = scenes.SelectMany(s => s.Contract.Prompts!).Distinct().ToList();
        Assert.Equal(
            scenes.Where(s => s.Contract.CapturePrompt is not null).SelectMany(s => s.Contract.Prompts!).Select(Content.KindOf).Distinct().Order(),
            AnswerMarkers.Keys.Order());

        var seen = new Dictionary<string, int>();
        var answers = 0;
        var missed = new List<string>();
        foreach (var seed in Seeds)
        {
            foreach (var (_, plan) in Chain(seed, 4_000))
            {
                foreach (var capture in plan.Rows.Select(r => r.Row).OfType<CaptureRow>())
                {
                    var scene = SceneOf(capture.SceneId);
                    var text = capture.Response.ToLowerInvariant();
                    Assert.Contains(capture.Prompt, scene.Contract.Prompts!);

                    // A one-word answer ("chest", "money") answers by itself; a typo may hit the marker word itself.
                    answers++;
                    var marker = scene.Contract.CapturePrompt is not null ? AnswerMarkers[Content.KindOf(capture.Prompt)] : @"(notic|felt|feel|caught|found|realis|spotted|was|it)";
                    var named = marker == PersonMarker && Content.NamesAndPlaces.Any(n => capture.Response.Contains(n, StringComparison.Ordinal));
                    if (Normalise(text).Contains(' ') && !named && !Regex.IsMatch(text, marker))
                    {
                        missed.Add($"\"{capture.Response}\" does not answer \"{capture.Prompt}\"");
                    }

                    seen[capture.Prompt] = seen.GetValueOrDefault(capture.Prompt) + 1;
                    Assert.DoesNotContain("{", capture.Response);
                    Assert.True(capture.Response.Length is > 1 and < 400);
                }
            }
        }

        // Typos (2% of texts) seldom land on the one word that shows the answer's kind.
        Assert.True(missed.Count < answers * 0.005, string.Join("\n", missed.Take(20)));

        // Every prompt of the catalog comes up and is answered.
        Assert.All(prompts, p => Assert.True(seen.GetValueOrDefault(p) > 5, $"prompt \"{p}\" answered {seen.GetValueOrDefault(p)} times"));
    }

    [Fact]
    public void Answers_to_one_prompt_differ_from_answers_to_another()
    {
        // The same seed for two different prompts: the texts come from each prompt's own fragments.
        var body = DefaultCatalog.Catalog.Journeys[0].Scenes[0];
        var sleep = DefaultCatalog.Catalog.Journeys[2].Scenes[0];
        var bodyTexts = Enumerable.Range(0, 200).Select(i => Content.Capture(new Random(i), body.Contract.CapturePrompt, "anxiety")).ToHashSet();
        var sleepTexts = Enumerable.Range(0, 200).Select(i => Content.Capture(new Random(i), sleep.Contract.CapturePrompt, "sleep")).ToHashSet();

        Assert.Empty(bodyTexts.Intersect(sleepTexts));
        Assert.All(sleepTexts, t => Assert.Matches(AnswerMarkers[Content.KindOf(sleep.Contract.CapturePrompt)], t.ToLowerInvariant()));
    }

    [Fact]
    public void Each_first_release_prompt_has_its_own_kind_of_answer_and_a_scenes_other_prompts_share_it()
    {
        var scenes = DefaultCatalog.Catalog.Journeys.SelectMany(j => j.Scenes).Where(s => s.Contract.CapturePrompt is not null).ToList();
        var first = DefaultCatalog.Catalog.Journeys.Take(DefaultCatalog.FirstReleaseJourneys).SelectMany(j => j.Scenes)
            .Select(s => s.Contract.CapturePrompt).OfType<string>().ToList();

        Assert.Equal(first.Count, first.Select(Content.KindOf).Distinct().Count());
        Assert.All(scenes, s => Assert.All(s.Contract.Prompts!, p => Assert.Equal(Content.KindOf(s.Contract.CapturePrompt), Content.KindOf(p))));
        Assert.DoesNotContain(Content.AnswerKind.Observation, scenes.Select(s => Content.KindOf(s.Contract.CapturePrompt)));
        Assert.Equal(Content.AnswerKind.Observation, Content.KindOf(null));
    }

    [Fact]
    public void A_prompt_of_another_catalog_gets_an_observation_on_its_journeys_focus()
    {
        foreach (var focus in new[] { "anxiety", "sleep", "unknown_focus" })
        {
            for (var i = 0; i < 200; i++)
            {
                var text = Content.Capture(new Random(i), "How was your day?", focus);
                Assert.Matches(@"(notic|felt|caught|found|realis|spotted)", text.ToLowerInvariant());
                Assert.DoesNotContain("{", text);
            }
        }
    }

    [Fact]
    public void The_same_session_seed_gives_the_same_texts_and_times()
    {
        var first = Chain(7, 300).Select(s => Describe(s.Plan)).ToList();
        var second = Chain(7, 300).Select(s => Describe(s.Plan)).ToList();

        Assert.Equal(first, second);
    }

    internal static string Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetter(c) || char.IsWhiteSpace(c))
            {
                builder.Append(char.IsWhiteSpace(c) ? ' ' : c);
            }
        }

        return Spaces().Replace(builder.ToString(), " ").Trim();
    }

    [GeneratedRegex(" +")]
    private static partial Regex Spaces();

    private static string Describe(SessionPlan plan) => string.Join("\n", plan.Rows.Select(r => r.Row switch
    {
        CaptureRow c => $"{r.At:O} capture {c.Response}",
        RealWorldTriggerRow t => $"{r.At:O} trigger {t.TriggerType}",
        var other => $"{r.At:O} {other.GetType().Name}",
    }));

    private static SceneDefinition SceneOf(Guid sceneId) =>
        DefaultCatalog.Catalog.Journeys.SelectMany(j => j.Scenes).Single(s => s.Id == sceneId);

    /// <summary>
    /// One user's sessions back to back, an hour apart: each continues the instance the last one left
    /// active. With <paramref name="people"/>, each session is someone else's (each with a pace of their own).
    /// </summary>
    internal static IEnumerable<(SessionState State, SessionPlan Plan)> Chain(int seed, int sessions, bool people = false)
    {
        var random = new Random(seed);
        var catalog = DefaultCatalog.Catalog;
        var rates = EngineSettings.Defaults.Rates;
        var user = Uuid7.Create(DateTimeOffset.UnixEpoch, random);
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        ActiveInstance? active = null;
        for (var i = 0; i < sessions; i++)
        {
            var journey = active is null ? Sampling.Pick(random, catalog.Journeys) : catalog.FindJourney(active.JourneyId)!;
            user = people ? Uuid7.Create(t, random) : user;
            var state = new SessionState(
                user, Uuid7.Create(t, random), random.NextInt64(), t, active?.Id ?? Uuid7.Create(t, random), journey.Id,
                active?.CurrentSceneOrder ?? journey.Scenes[0].Order, active is null, active?.StartedAt ?? t, rates, DateTimeOffset.MinValue, t);
            var plan = SessionPlanner.Plan(state, catalog, Guid.Empty);
            yield return (state, plan);
            var last = plan.Rows.Select(r => r.Row).OfType<InstanceRow>().Last();
            active = last.Status == InstanceStatus.Active
                ? new ActiveInstance(last.Id, last.JourneyId, last.CurrentSceneOrder, last.StartedAt, last.LastActivityAt)
                : null;
            t = plan.EndsAt.AddHours(1);
        }
    }

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        var index = (int)Math.Ceiling(q * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    private static double StdDev(List<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}
