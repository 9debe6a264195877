using System.Security.Cryptography;
using System.Text;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>The default catalog's shape and the journeys' difficulties: a catalog that lasts, journeys that differ.</summary>
public class CatalogShapeTests
{
    private static readonly Catalog Catalog = DefaultCatalog.Catalog;

    [Fact]
    public void The_default_catalog_has_12_journeys_across_every_focus_and_60_scenes_with_3_prompts_per_capture_scene()
    {
        Assert.True(Catalog.Journeys.Count >= 12, $"{Catalog.Journeys.Count} journeys");
        Assert.True(Catalog.Journeys.Sum(j => j.Scenes.Count) >= 60, $"{Catalog.Journeys.Sum(j => j.Scenes.Count)} scenes");
        Assert.Equal(Catalog.Mindblocks.Select(m => m.ClinicalFocus).Distinct().Order(), Catalog.Journeys.Select(j => j.ClinicalFocus).Distinct().Order());
        Assert.All(Catalog.Journeys.GroupBy(j => j.ClinicalFocus), g => Assert.True(g.Count() >= 3, $"{g.Key}: {g.Count()} journeys"));
        Assert.Equal(Catalog.Journeys.Count, Catalog.Journeys.Select(j => j.Slug).Distinct().Count());

        foreach (var scene in Catalog.Journeys.SelectMany(j => j.Scenes))
        {
            var contract = scene.Contract;
            if (contract.RequiredCaptures == 0)
            {
                Assert.Null(contract.Prompts);
                continue;
            }

            Assert.NotNull(contract.Prompts);
            Assert.True(contract.Prompts.Distinct().Count() >= 3, $"{scene.Title}: {contract.Prompts.Count} prompts");
            Assert.Equal(contract.CapturePrompt ?? SceneContract.ObservationPrompt(scene.Title), contract.Prompts[0]);

            // A scene's prompts ask for one kind of answer: its capture_prompt's (what the user noticed where it has none).
            if (contract.CapturePrompt is { } prompt)
            {
                Assert.NotEqual(Content.AnswerKind.Observation, Content.KindOf(prompt));
                Assert.All(contract.Prompts, p => Assert.Equal(Content.KindOf(prompt), Content.KindOf(p)));
            }
        }
    }

    [Fact]
    public void The_first_release_journeys_keep_their_keys_slugs_and_contracts()
    {
        string[] slugs = ["calm-under-pressure", "breaking-the-loop", "steady-sleep", "kinder-self-talk"];
        var first = Catalog.Journeys.Take(DefaultCatalog.FirstReleaseJourneys).ToList();

        Assert.Equal(slugs, first.Select(j => j.Slug));
        Assert.Equal([6, 7, 5, 8], first.Select(j => j.Scenes.Count));
        Assert.All(first, j => Assert.Equal(DefaultCatalog.KeyFor("journey:" + j.Slug), j.Id));
        Assert.All(first, j => Assert.All(j.Scenes, (s, i) => Assert.Equal(DefaultCatalog.KeyFor($"scene:{j.Slug}:{i + 1}"), s.Id)));
        var calm = first[0].Scenes;
        Assert.Equal(new SceneContract(2, "Where in your body do you feel the pressure first?", false, 45, 120) { Prompts = calm[0].Contract.Prompts }, calm[0].Contract);
        Assert.Equal(new SceneContract(2, null, true, 90, 180) { Prompts = calm[2].Contract.Prompts }, calm[2].Contract);
    }

    [Fact]
    public void Journeys_differ_in_difficulty_and_each_has_one_harder_scene_past_the_first()
    {
        var difficulties = Catalog.Journeys.Select(JourneyDifficulty.Of).ToList();
        Assert.True(difficulties.Max() / difficulties.Min() >= 1.3 * 1.3, $"{difficulties.Min()} to {difficulties.Max()}");

        foreach (var journey in Catalog.Journeys)
        {
            var hazards = Enumerable.Range(0, journey.Scenes.Count).Select(i => JourneyDifficulty.Hazard(journey, i)).ToList();
            var wall = JourneyDifficulty.WallOf(journey.Id, journey.Scenes.Count);

            // The shape's mean is 1: the journey's hazard averages its difficulty.
            Assert.Equal(JourneyDifficulty.Of(journey), hazards.Average(), 10);
            Assert.InRange(wall, 1, journey.Scenes.Count - 1);
            Assert.Equal(JourneyDifficulty.WallWeight, hazards[wall] / hazards[0], 10);
            Assert.Equal(journey.Scenes.Count - 1, hazards.Count(h => Math.Abs(h - hazards[0]) < 1e-12));
        }
    }

    [Fact]
    public void An_apps_journey_takes_its_difficulty_from_its_id_by_the_documented_formula()
    {
        var id = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"));
        var u = BitConverter.ToUInt64(hash, 0) / Math.Pow(2, 64);
        var journey = new JourneyDefinition(id, "app-journey", "The app's journey", "stress",
            [.. Enumerable.Range(1, 5).Select(n => new SceneDefinition(Guid.NewGuid(), n, $"Scene {n}", SceneContract.None))]);

        Assert.Null(DefaultCatalog.DifficultyOf(id));
        Assert.Equal(0.6 + (0.9 * u), JourneyDifficulty.Of(journey), 12);
        Assert.Equal(1 + (hash[8] % 4), JourneyDifficulty.WallOf(id, 5));
        Assert.Equal(JourneyDifficulty.FromId(id), JourneyDifficulty.Of(journey with { Title = "Renamed" }));

        // Ids spread over the range: 200 journeys' difficulties cover most of it.
        var spread = Enumerable.Range(0, 200).Select(i => JourneyDifficulty.FromId(DefaultCatalog.KeyFor($"app:{i}"))).ToList();
        Assert.All(spread, d => Assert.InRange(d, JourneyDifficulty.MinDifficulty, JourneyDifficulty.MaxDifficulty));
        Assert.True(spread.Min() < 0.7 && spread.Max() > 1.4, $"{spread.Min()} to {spread.Max()}");
    }

    [Fact]
    public void A_harder_journey_loses_more_sessions_about_in_proportion_to_its_difficulty()
    {
        // Sessions of a journey under way, starting at each of its scenes in turn.
        var rates = EngineSettings.Defaults.Rates;
        var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        double AbandonedShare(JourneyDefinition journey)
        {
            const int sessions = 12_000;
            var abandoned = 0;
            for (var i = 0; i < sessions; i++)
            {
                var random = new Random(i);
                var state = new SessionState(
                    Guid.NewGuid(), Guid.NewGuid(), random.NextInt64(), start, Guid.NewGuid(), journey.Id, journey.Scenes[i % journey.Scenes.Count].Order,
                    false, start.AddDays(-1), rates, DateTimeOffset.MinValue, start);
                var plan = SessionPlanner.Plan(state, Catalog, Guid.Empty);
                abandoned += plan.Rows.Any(r => r.Row is InstanceSceneRow { Status: SceneStatus.Abandoned }) ? 1 : 0;
            }

            return abandoned / (double)sessions;
        }

        // Each journey gives up at about its difficulty times the rate (1.04-1.15 times it: a
        // session's 1-3 scenes, cut short at the journey's end, see its wall a little more than 1 in n).
        Assert.All(Catalog.Journeys, j => Assert.InRange(AbandonedShare(j) / (rates.AbandonRate * JourneyDifficulty.Of(j)), 0.95, 1.25));
        var easy = AbandonedShare(Catalog.Journeys.MinBy(JourneyDifficulty.Of)!);
        var hard = AbandonedShare(Catalog.Journeys.MaxBy(JourneyDifficulty.Of)!);
        Assert.True(hard > 2 * easy, $"easy {easy:P1}, hard {hard:P1}");
    }
}
