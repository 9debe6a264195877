using System.Security.Cryptography;
using System.Text;

namespace SyntheticsFunctions.Engine;

/// <summary>
/// The catalog seeded into an empty database: journeys of 5-8 scenes with varied contracts
/// and mindblocks, each with a clinical focus for focus-based dashboards. Keys are UUIDv7 derived
/// from the slugs, so seeding the same catalog twice names the same rows.
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

    // (title, captures, prompt, resistance check, min dwell s, max dwell s)
    private static readonly (string Slug, string Title, string Focus, (string Title, int Captures, string? Prompt, bool Check, int Min, int Max)[] Scenes)[] JourneySpecs =
    [
        ("calm-under-pressure", "Calm Under Pressure", "anxiety",
        [
            ("Notice the first signs", 2, "Where in your body do you feel the pressure first?", false, 45, 120),
            ("Name the worry", 2, "Write the worry down in one sentence.", true, 60, 150),
            ("Box breathing", 2, null, true, 90, 180),
            ("Check the evidence", 3, "What facts support or contradict the worry?", true, 90, 240),
            ("Plan one small step", 2, "What is the smallest next step you can take?", false, 60, 150),
            ("Reflect on the week", 2, "What changed since you started this journey?", true, 60, 180),
        ]),
        ("breaking-the-loop", "Breaking the Loop", "addictive_behaviour",
        [
            ("Map your triggers", 3, "List the places and times the urge shows up.", false, 60, 180),
            ("Ride the urge", 2, null, true, 90, 240),
            ("Swap the routine", 2, "What will you do instead next time?", true, 60, 150),
            ("Ask for backup", 2, "Who can you call when it gets hard?", false, 45, 120),
            ("Handle a slip", 2, "What would you tell a friend who slipped?", true, 60, 180),
            ("Celebrate a streak", 1, null, false, 30, 90),
            ("Protect the gains", 2, "What could put your progress at risk?", true, 60, 180),
        ]),
        ("steady-sleep", "Steady Sleep", "sleep",
        [
            ("Sleep diary", 3, "When did you go to bed and wake up?", false, 45, 120),
            ("Wind-down routine", 2, null, true, 60, 150),
            ("Screens off", 2, "What will you do in the last hour instead?", true, 45, 120),
            ("Racing thoughts", 2, "Write down what kept you awake.", true, 60, 180),
            ("Morning light", 2, null, false, 30, 90),
        ]),
        ("kinder-self-talk", "Kinder Self-Talk", "mood",
        [
            ("Catch the critic", 2, "What did your inner critic say today?", true, 60, 150),
            ("Talk back gently", 2, "Rewrite it as a supportive friend would.", true, 60, 180),
            ("Gratitude three", 3, "Three things that went well today.", false, 45, 120),
            ("Values check", 2, "Which value did you act on today?", false, 60, 150),
            ("Behavioural activation", 2, null, true, 90, 240),
            ("Reach out", 2, "Who did you connect with this week?", true, 45, 120),
            ("Look back", 2, "What are you proud of from this journey?", false, 60, 150),
            ("Keep it going", 2, null, true, 45, 120),
        ]),
    ];

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

    private static Catalog Build()
    {
        var journeys = JourneySpecs.Select(j => new JourneyDefinition(
            KeyFor("journey:" + j.Slug), j.Slug, j.Title, j.Focus,
            [.. j.Scenes.Select((s, i) => new SceneDefinition(
                KeyFor($"scene:{j.Slug}:{i + 1}"), i + 1, s.Title,
                new SceneContract(s.Captures, s.Prompt, s.Check, s.Min, s.Max)))])).ToList();
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
