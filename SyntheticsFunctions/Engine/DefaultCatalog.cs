using System.Security.Cryptography;
using System.Text;

namespace SyntheticsFunctions.Engine;

/// <summary>
/// The catalog seeded where the engine created the catalog tables: journeys of 5-8 scenes with varied
/// contracts, prompts and difficulties, and mindblocks, each with a clinical focus for focus-based
/// dashboards. Keys are UUIDv7 derived from the slugs, so seeding the same catalog twice names the
/// same rows, and an install seeded with an earlier release gains only the journeys it lacks.
/// </summary>
public static class DefaultCatalog
{
    /// <summary>
    /// When the catalog seeded at <paramref name="installedAt"/> is dated: before the oldest history
    /// the engine can write then (a backfill of the most days kept, after its warm-up's pre-roll),
    /// so no enrolment is ever dated before its journey.
    /// </summary>
    public static DateTimeOffset DatedAt(DateTimeOffset installedAt) =>
        installedAt.AddDays(-(SettingDeclarations.MaxRetainDays + BackfillPlayer.PreRollDays + 1));

    /// <summary>The catalog as the seeder writes it at <paramref name="installedAt"/>: each journey dated <see cref="DatedAt"/>.</summary>
    public static Catalog SeededAt(DateTimeOffset installedAt) =>
        Catalog with { Journeys = [.. Catalog.Journeys.Select(j => j with { CreatedAt = DatedAt(installedAt) })] };

    private static readonly DateTimeOffset KeyEpoch = new(2026, 1, 9, 0, 0, 0, TimeSpan.Zero);

    // (title, captures, prompts: the first is the contract's capture_prompt, none where the scene
    // asks what the user noticed; resistance check, min dwell s, max dwell s). The first four journeys
    // are the catalog's first release: their rows (keys, slugs, titles, contracts) never change; the
    // prompts after a scene's first are kept in the seeded contract's metadata.
    private static readonly (string Slug, string Title, string Focus, double Difficulty, (string Title, int Captures, string[] Prompts, bool Check, int Min, int Max)[] Scenes)[] JourneySpecs =
    [
        ("calm-under-pressure", "Calm Under Pressure", "anxiety", 1.0,
        [
            ("Notice the first signs", 2, ["Where in your body do you feel the pressure first?", "What does your body do when the pressure builds?", "Which part of your body holds the tension?"], false, 45, 120),
            ("Name the worry", 2, ["Write the worry down in one sentence.", "What is the worry on your mind today?", "Which worry came back this week?"], true, 60, 150),
            ("Box breathing", 2, [], true, 90, 180),
            ("Check the evidence", 3, ["What facts support or contradict the worry?", "What evidence do you have for and against it?", "Which facts does the worry ignore?"], true, 90, 240),
            ("Plan one small step", 2, ["What is the smallest next step you can take?", "Which step could you take today?", "What step would move things on a little?"], false, 60, 150),
            ("Reflect on the week", 2, ["What changed since you started this journey?", "What has changed in how you handle pressure?", "How has your week changed?"], true, 60, 180),
        ]),
        ("breaking-the-loop", "Breaking the Loop", "addictive_behaviour", 1.3,
        [
            ("Map your triggers", 3, ["List the places and times the urge shows up.", "When and where does the urge show up?", "Which triggers come up most often?"], false, 60, 180),
            ("Ride the urge", 2, [], true, 90, 240),
            ("Swap the routine", 2, ["What will you do instead next time?", "What could you do instead when it starts?", "Name one thing to do instead of the habit."], true, 60, 150),
            ("Ask for backup", 2, ["Who can you call when it gets hard?", "Who can you turn to when it gets hard?", "Who could support you this week?"], false, 45, 120),
            ("Handle a slip", 2, ["What would you tell a friend who slipped?", "What would you say to yourself after a slip?", "How do you bounce back from a slip?"], true, 60, 180),
            ("Celebrate a streak", 1, [], false, 30, 90),
            ("Protect the gains", 2, ["What could put your progress at risk?", "Which situation is the biggest risk right now?", "What risk do you need a plan for?"], true, 60, 180),
        ]),
        ("steady-sleep", "Steady Sleep", "sleep", 0.75,
        [
            ("Sleep diary", 3, ["When did you go to bed and wake up?", "What time did you get into bed, and when did you wake?", "When were you in bed, and when did you get up?"], false, 45, 120),
            ("Wind-down routine", 2, [], true, 60, 150),
            ("Screens off", 2, ["What will you do in the last hour instead?", "What will you do before bed tonight?", "How will you keep screens out of the evening?"], true, 45, 120),
            ("Racing thoughts", 2, ["Write down what kept you awake.", "What kept you awake last night?", "What was going round your head while awake?"], true, 60, 180),
            ("Morning light", 2, [], false, 30, 90),
        ]),
        ("kinder-self-talk", "Kinder Self-Talk", "mood", 1.1,
        [
            ("Catch the critic", 2, ["What did your inner critic say today?", "What does your critic tell you on a bad day?", "Write down the critic's harshest line."], true, 60, 150),
            ("Talk back gently", 2, ["Rewrite it as a supportive friend would.", "Rewrite that thought the way a friend would.", "Say it again in a kinder way."], true, 60, 180),
            ("Gratitude three", 3, ["Three things that went well today.", "What went well this week?", "What are you grateful for today?"], false, 45, 120),
            ("Values check", 2, ["Which value did you act on today?", "What value do you want to lead with?", "Which value helped you this week?"], false, 60, 150),
            ("Behavioural activation", 2, [], true, 90, 240),
            ("Reach out", 2, ["Who did you connect with this week?", "Who did you connect with today?", "How did you connect with someone this week?"], true, 45, 120),
            ("Look back", 2, ["What are you proud of from this journey?", "What are you proud of this week?", "Which moment are you proud of?"], false, 60, 150),
            ("Keep it going", 2, [], true, 45, 120),
        ]),
        ("social-confidence", "Social Confidence", "anxiety", 1.25,
        [
            ("Spot the avoidance", 2, ["What are you worried will happen if you go?", "Write the worry about the event in one sentence.", "Which worry keeps you from saying yes?"], false, 50, 130),
            ("Body before the door", 3, ["Where in your body do you notice the nerves?", "What does your body do as you walk in?", "Which part of your body tenses first around people?"], true, 65, 165),
            ("Test the prediction", 3, ["What facts do you have that people will judge you?", "What evidence says it might go fine?", "List the facts for and against the prediction."], true, 100, 260),
            ("A small exposure", 2, ["What small step will you take toward the event?", "Which step can you take this week, however small?", "What is the first step of the plan?"], true, 65, 195),
            ("Stay a little longer", 2, [], false, 50, 165),
            ("Plan the next outing", 2, ["What is the next step toward an outing you want?", "Which step will you take before the weekend?", "What small step gets you out of the door?"], false, 50, 130),
            ("What changed", 2, ["What has changed in how you meet people?", "What changed since the first exposure?", "How has your week changed since you started?"], true, 65, 195),
        ]),
        ("panic-toolkit", "Panic Toolkit", "anxiety", 0.9,
        [
            ("Understand the surge", 2, ["Where in your body does the panic start?", "What does your body do in the first minute?", "Which body signal do you notice first?"], false, 50, 130),
            ("Slow breath", 2, [], true, 100, 195),
            ("Worst-case check", 2, ["What facts say this surge will pass?", "What evidence do you have from the last surge?", "Which facts argue against the worst case?"], true, 65, 195),
            ("Ground yourself", 1, [], false, 35, 100),
            ("Body scan", 2, [], true, 65, 165),
            ("Worry about worry", 2, ["What worry do you have about the next panic?", "Write the worry about panic in one sentence.", "Which worry about the panic is loudest?"], true, 65, 165),
            ("Plan the next surge", 2, ["What is your first step when the next surge comes?", "Which step helps most in the first minute?", "What step will you take before leaving the house?"], true, 65, 165),
        ]),
        ("cutting-back", "Cutting Back", "addictive_behaviour", 1.5,
        [
            ("Count the week", 3, ["When and where did the urge show up this week?", "List the times the urge was strongest.", "Which triggers came up most this week?"], false, 50, 165),
            ("Set a limit", 2, ["What is the first step to cutting back?", "Which step will you start with tomorrow?", "What small step makes the limit easier?"], true, 65, 165),
            ("Wait it out", 2, [], true, 100, 260),
            ("A different evening", 2, ["What will you do instead on a hard evening?", "What could you do instead when the craving hits?", "Name one thing to do instead of the old habit."], true, 65, 165),
            ("Lean on someone", 2, ["Who could you call when the evening drags?", "Who can you turn to this week?", "Who will support you if it gets hard?"], false, 50, 130),
            ("Weigh the risks", 2, ["What is the biggest risk to your plan this month?", "Which situation puts you most at risk?", "What risk do you need a plan for?"], true, 65, 195),
            ("Celebrate progress", 2, ["What are you proud of since cutting back?", "Which day are you most proud of?", "What are you proud of this week?"], false, 50, 130),
        ]),
        ("digital-balance", "Digital Balance", "addictive_behaviour", 1.15,
        [
            ("Map the scroll", 3, ["List the places and times you reach for your phone.", "When does the urge to scroll show up?", "Which triggers send you to the apps?"], false, 50, 130),
            ("Notice the pull", 2, [], true, 65, 165),
            ("Replace a habit", 2, ["What will you do instead of scrolling?", "What could you pick up instead of the phone?", "Which activity will you try instead this evening?"], true, 50, 130),
            ("Phone-free hour", 2, [], false, 50, 130),
            ("Ask for support", 2, ["Who could you call when the pull is strong?", "Who can you turn to for a phone-free evening?", "Who will support you with the plan?"], false, 50, 130),
            ("Handle a lapse", 2, ["What would you say to a friend after a slip?", "How would you talk to yourself after a relapse?", "What helps you restart after a slip?"], true, 65, 195),
            ("Keep it balanced", 2, ["What has changed in how you use your phone?", "What changed since you started this journey?", "How has your evening changed?"], true, 50, 130),
        ]),
        ("rested-mornings", "Rested Mornings", "sleep", 0.65,
        [
            ("Track your nights", 2, ["When did you go to bed and when did you wake?", "What time was bed, and when did you get up?", "Note when you went to bed and woke up."], false, 50, 130),
            ("Caffeine cut-off", 2, [], false, 35, 100),
            ("Bedtime plan", 2, ["What will you do in the hour before bed?", "What will replace screens at bedtime?", "How will you spend the last hour of the day?"], true, 65, 165),
            ("Quiet the mind", 2, ["What kept you awake last night?", "Which racing thoughts came up in bed?", "Write down what was on your mind while awake."], true, 65, 195),
            ("Morning routine", 2, ["What is one step to make mornings easier?", "Which step gets you out the door on time?", "What small step helps you get up?"], false, 35, 100),
            ("Weekend rhythm", 2, [], false, 35, 100),
            ("Look back", 2, ["What changed since you started this journey?", "What has changed about your mornings?", "How have your nights changed?"], true, 50, 165),
        ]),
        ("sleep-after-stress", "Sleep After Stress", "sleep", 0.95,
        [
            ("Stress and sleep", 2, ["Which worry follows you to bed?", "Write the worry that kept you up in one sentence.", "What are you worried about tonight?"], false, 50, 165),
            ("Worry time", 2, [], true, 65, 165),
            ("Park the thoughts", 3, ["What kept you awake this week?", "Write down the racing thoughts from last night.", "What was going round your head while awake?"], true, 65, 195),
            ("Wind down", 2, ["What will you do in the last hour instead of work?", "What will you do before bed tonight?", "How will you keep screens out of the bedroom?"], true, 50, 130),
            ("Body at rest", 2, ["Where in your body do you hold the day's stress?", "What does your body feel like at lights out?", "Which part of your body relaxes last?"], true, 65, 165),
            ("Sleep diary", 3, ["When did you go to bed and wake up?", "What time did you get into bed, and when did you wake?", "When were you in bed, and when did you get up?"], false, 50, 130),
            ("Look back", 2, ["What are you proud of from these weeks?", "What are you most proud of about your sleep?", "Which night are you proud of?"], true, 50, 165),
        ]),
        ("get-moving", "Get Moving", "mood", 1.05,
        [
            ("Energy check", 2, [], true, 35, 100),
            ("Plan one activity", 3, ["What is one step toward something you enjoy?", "Which small step will you take today?", "What step fits into tomorrow?"], true, 65, 165),
            ("Do it anyway", 2, [], true, 100, 260),
            ("Notice the good", 3, ["Three things that went well today.", "What went well this week?", "What are you grateful for today?"], false, 50, 130),
            ("Connect", 2, ["Who did you connect with today?", "How did you connect with someone this week?", "Who did you connect with outside home?"], true, 50, 130),
            ("Keep the rhythm", 2, ["Which value did your activity serve?", "What value did you live by this week?", "Which value matters most in your week?"], false, 65, 165),
            ("Look back", 2, ["What are you proud of from this journey?", "What are you proud of this week?", "Which moment are you proud of?"], true, 50, 165),
        ]),
        ("self-compassion", "Self-Compassion", "mood", 0.8,
        [
            ("Meet the critic", 2, ["What did your inner critic say this week?", "What does your critic tell you on a bad day?", "Write down the critic's harshest line."], true, 65, 165),
            ("A kinder voice", 2, ["Rewrite that thought the way a friend would.", "What would a supportive friend say to you?", "Say it again in a kinder way."], true, 65, 195),
            ("Common humanity", 2, [], false, 50, 130),
            ("Soothing touch", 1, [], true, 35, 100),
            ("Values compass", 2, ["Which value did you act on today?", "What value do you want to lead with?", "Which value helped you this week?"], false, 65, 165),
            ("Gratitude for yourself", 3, ["Three things that went well for you today.", "What went well that you did yourself?", "What are you grateful to yourself for?"], false, 50, 130),
            ("Look back", 2, ["What are you proud of from this journey?", "What are you proud of this week?", "Which moment are you proud of?"], true, 65, 165),
            ("Keep practising", 2, [], true, 50, 130),
        ]),
    ];

    /// <summary>How many journeys the catalog's first release had (the first of <see cref="Catalog"/>'s journeys): an install seeded then has only these.</summary>
    public const int FirstReleaseJourneys = 4;

    private static readonly (string Slug, string Name, string Focus)[] MindblockSpecs =
    [
        ("catastrophising", "Catastrophising", "anxiety"),
        ("fortune-telling", "Fortune telling", "anxiety"),
        ("all-or-nothing", "All-or-nothing thinking", "addictive_behaviour"),
        ("just-this-once", "Just this once", "addictive_behaviour"),
        ("bedtime-procrastination", "Revenge bedtime procrastination", "sleep"),
        ("should-statements", "Should statements", "mood"),
        ("mind-reading", "Mind reading", "mood"),
        ("discounting-the-positive", "Discounting the positive", "mood"),
    ];

    public static Catalog Catalog { get; } = Build();

    private static readonly Dictionary<Guid, double> Difficulties = JourneySpecs.ToDictionary(j => KeyFor("journey:" + j.Slug), j => j.Difficulty);

    /// <summary>The difficulty the catalog gives one of its journeys (<see cref="JourneyDifficulty"/>); null for any other journey.</summary>
    public static double? DifficultyOf(Guid journey) => Difficulties.TryGetValue(journey, out var d) ? d : null;

    /// <summary>The prompts of a scene that asks what the user noticed (no capture_prompt): the one such a scene has always shown, then two more.</summary>
    public static IReadOnlyList<string> ObservationPrompts(string sceneTitle) =>
        [SceneContract.ObservationPrompt(sceneTitle), $"How did \"{sceneTitle}\" go this time?", $"What stood out for you in \"{sceneTitle}\"?"];

    private static Catalog Build()
    {
        var journeys = JourneySpecs.Select(j => new JourneyDefinition(
            KeyFor("journey:" + j.Slug), j.Slug, j.Title, j.Focus,
            [.. j.Scenes.Select((s, i) => new SceneDefinition(
                KeyFor($"scene:{j.Slug}:{i + 1}"), i + 1, s.Title,
                new SceneContract(s.Captures, s.Prompts.FirstOrDefault(), s.Check, s.Min, s.Max)
                {
                    Prompts = s.Captures == 0 ? null : s.Prompts.Length > 0 ? s.Prompts : ObservationPrompts(s.Title),
                }))])).ToList();
        var mindblocks = MindblockSpecs.Select(m => new MindblockDefinition(KeyFor("mindblock:" + m.Slug), m.Slug, m.Name, m.Focus)).ToList();
        return new Catalog(journeys, mindblocks);
    }

    /// <summary>The key of a seeded row: a UUIDv7 at a fixed moment whose random bits come from the name.</summary>
    public static Guid KeyFor(string name)
    {
        var seed = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0);
        return Uuid7.Create(KeyEpoch, new Random(seed));
    }
}
