using System.Text.Json;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// A backfill's pre-roll plays 21 days before its window and keeps only state, so it plans its
/// sessions without texts or tags (<see cref="SessionPlanner.Plan"/>'s <c>stateOnly</c>): the job
/// it leaves must be the one a full pre-roll leaves, row for row.
/// </summary>
[LongRunning(50)]
public class PreRollTests(ITestOutputHelper output)
{
    [Fact]
    public void A_pre_roll_that_keeps_only_state_leaves_the_same_job_row_for_row_as_a_full_one()
    {
        // The moderate default (intense gives the same, in five times the time: 48 s for the two players).
        const double sessionsPerMin = 2.0;
        const int seed = 11;
        var start = new DateTimeOffset(2026, 10, 5, 7, 30, 0, TimeSpan.Zero);
        var settings = EngineSettings.Defaults with { SessionsPerMin = sessionsPerMin, MaxPerRun = sessionsPerMin > 5 ? 15 : 5 };
        var spec = new BackfillSpec(seed, start, start.AddHours(30), settings, BackfillRun.DefaultPoolCap, 0);

        var light = Play(new BackfillPlayer(spec, DefaultCatalog.Catalog));
        var full = Play(new BackfillPlayer(spec, DefaultCatalog.Catalog, stateOnlyPreRoll: false));

        Assert.Equal(full.Count, light.Count);
        for (var i = 0; i < full.Count; i++)
        {
            var (a, b) = (full[i].Batch, light[i].Batch);
            Assert.Equal(a.Instances, b.Instances);
            Assert.Equal(a.InstanceScenes, b.InstanceScenes);
            Assert.Equal(a.Events, b.Events);
            Assert.Equal(a.Captures, b.Captures);
            Assert.Equal(a.ResistanceChecks, b.ResistanceChecks);
            Assert.Equal(a.RealWorldTriggers, b.RealWorldTriggers);
            Assert.Equal(a.MindblockEvents, b.MindblockEvents);
            Assert.Equal(a.MindblockStatuses, b.MindblockStatuses);
            Assert.Equal(full[i].NewUsers, light[i].NewUsers);
            Assert.Equal(JsonSerializer.Serialize(full[i].UserStates), JsonSerializer.Serialize(light[i].UserStates));
            Assert.Equal(JsonSerializer.Serialize(full[i].SessionsInProgress), JsonSerializer.Serialize(light[i].SessionsInProgress));
        }

        // The first chunk carries the pre-roll's journeys and statuses, with their tags; the window's sessions their texts.
        var first = light[0].Batch;
        Assert.True(first.Instances.Count > 100, $"{first.Instances.Count} journeys in the first chunk");
        Assert.All(first.Instances, r => Assert.Contains("journey_slug", r.Metadata));
        Assert.All(light.SelectMany(c => c.Batch.Captures), r => Assert.False(string.IsNullOrWhiteSpace(r.Response)));
        Assert.All(light.SelectMany(c => c.Batch.Events), r => Assert.Contains("session_id", r.Payload));
        output.WriteLine($"{light.Count} chunks, {light.Sum(c => c.Batch.TotalRows):N0} rows, {first.Instances.Count:N0} journeys in the first");
    }

    private static List<BackfillChunk> Play(BackfillPlayer player)
    {
        var chunks = new List<BackfillChunk>();
        var present = new DateTimeOffset(2026, 10, 6, 13, 30, 0, TimeSpan.Zero);
        while (true)
        {
            var chunk = player.Play(present);
            chunks.Add(chunk);
            if (chunk.Final)
            {
                return chunks;
            }
        }
    }
}
