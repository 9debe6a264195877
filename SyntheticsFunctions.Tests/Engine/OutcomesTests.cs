using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// Outcomes that differ between people: response types drawn from the profile id, persona
/// baselines and preferences kept with the session, and what six weeks at the defaults show
/// (fixed seeds, the realism check's own figures).
/// </summary>
[LongRunning(70)]
public class OutcomesTests(ITestOutputHelper output)
{
    [Fact]
    public void Response_types_come_from_the_profile_id_in_their_declared_shares_the_same_in_every_process()
    {
        var random = new Random(25);
        var ids = Enumerable.Range(0, 40_000).Select(_ => Uuid7.Create(DateTimeOffset.UnixEpoch.AddDays(random.Next(10_000)), random)).ToList();
        var counts = ids.GroupBy(Outcomes.ResponseOf).ToDictionary(g => g.Key, g => g.Count() / (double)ids.Count);
        foreach (var (type, share, _) in Outcomes.Responses)
        {
            Assert.InRange(counts[type], share - 0.01, share + 0.01);
        }

        Assert.Equal(1.0, Outcomes.Responses.Sum(r => r.Share), 9);

        // FNV-1a and a splitmix finish over the id's bytes: fixed values, whichever process asks.
        var id = new Guid("0192f5a8-3c1e-7d40-8b2a-5e6f7a8b9c0d");
        Assert.Equal(Expected0, Outcomes.Unit(id, 0), 12);
        Assert.Equal(Expected3, Outcomes.Unit(id, 3), 12);
    }

    [Fact]
    public void Every_persona_has_outcomes_with_a_weight_for_every_strategy_and_signal()
    {
        Assert.Equal(PopulationModel.Personas.Select(p => p.Name).Order(), Outcomes.Personas.Select(p => p.Persona).Order());
        Assert.All(Outcomes.Personas, p => Assert.Equal(Content.ResistanceStrategies.Length, p.StrategyWeights.Count));
        Assert.All(Outcomes.Personas, p => Assert.Equal(Content.MindblockSignals.Length, p.SignalWeights.Count));
        Assert.Same(Outcomes.Neutral, Outcomes.For(null));
        Assert.Same(Outcomes.Neutral, Outcomes.For("no_such_persona"));
    }

    [Fact]
    public void A_session_planned_again_gives_the_same_rows_and_its_persona_moves_its_levels_and_strategies()
    {
        var (state, plan) = SessionContentTests.Chain(seed: 3, sessions: 1).Single();
        var anxious = state with { Persona = "anxious_achiever" };
        Assert.Equal(Rows(SessionPlanner.Plan(anxious, DefaultCatalog.Catalog, Guid.Empty)), Rows(SessionPlanner.Plan(anxious, DefaultCatalog.Catalog, Guid.Empty)));
        Assert.NotEqual(Rows(plan), Rows(SessionPlanner.Plan(anxious, DefaultCatalog.Catalog, Guid.Empty)));

        // The same person, at the start, as two personas: 1,000 sessions each. Their levels differ by
        // the personas' baselines (anxious_achiever +1.2, steady_habit_builder -0.7), and each
        // leans on strategies of their own.
        var random = new Random(7);
        List<ResistanceCheckRow> Checks(string persona) =>
        [
            .. Enumerable.Range(0, 1000).SelectMany(_ => SessionPlanner.Plan(state with { Persona = persona, Seed = random.NextInt64() }, DefaultCatalog.Catalog, Guid.Empty).Rows)
                .Select(r => r.Row).OfType<ResistanceCheckRow>(),
        ];
        var high = Checks("anxious_achiever");
        var low = Checks("steady_habit_builder");
        var gap = high.Average(c => c.ResistanceLevel) - low.Average(c => c.ResistanceLevel);
        output.WriteLine($"{high.Count} and {low.Count} checks: a gap of {gap:F2}");
        Assert.InRange(gap, 1.3, 2.1); // 1.9 apart, less where anxious_achiever's levels reach the top of the scale
        double Share(List<ResistanceCheckRow> checks, string strategy) => checks.Count(c => c.Strategy == strategy) / (double)checks.Count;
        Assert.True(Share(high, "breathing_exercise") > 1.5 * Share(low, "breathing_exercise"));
        Assert.True(Share(low, "urge_surfing") > 1.5 * Share(high, "urge_surfing"));

        static List<string> Rows(SessionPlan plan) => [.. plan.Rows.Select(r => $"{r.At:O} {r.Row}")];
    }

    [Fact]
    public void A_relapser_improves_then_drifts_back_and_a_non_responder_gets_a_little_worse()
    {
        var random = new Random(11);
        var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        UserState Person(Response type)
        {
            while (true)
            {
                var id = Uuid7.Create(start, random);
                if (Outcomes.ResponseOf(id) == type)
                {
                    return PopulationModel.SignUp(id, "UTC", start, random, "weekend_warrior") with { Traits = new UserTraits("weekend_warrior", 1, 0) };
                }
            }
        }

        // Thirty sessions a day apart: the progress after each.
        List<double> Course(UserState user) =>
        [
            .. Enumerable.Range(0, 30).Select(k =>
            {
                user = PopulationModel.AfterSession(user, start.AddDays(k), random) with { NextSessionAt = start.AddDays(k + 1) };
                return user.Progress;
            }),
        ];

        var relapser = Course(Person(Response.Relapser));
        var peak = relapser.IndexOf(relapser.Max());
        Assert.InRange(peak, Outcomes.RelapseAfterSessions - 1, Outcomes.RelapseAfterSessions + Outcomes.RelapseAfterSpread);
        Assert.True(relapser[^1] < relapser[peak] / 4, $"{relapser[peak]:F3} at its peak, {relapser[^1]:F3} at the end");

        var none = Course(Person(Response.NonResponder));
        Assert.True(none.Zip(none.Skip(1)).All(p => p.Second < p.First) && none[^1] > Outcomes.NonResponderFloor && none[^1] < -0.1);

        var responder = Course(Person(Response.Responder));
        var slow = Course(Person(Response.SlowResponder));
        Assert.True(responder[^1] > 0.8 && slow[^1] is > 0.2 and < 0.6, $"responder {responder[^1]:F3}, slow {slow[^1]:F3}");
    }

    [Fact]
    public void Six_weeks_at_the_defaults_show_outcomes_that_differ_and_a_population_that_still_improves()
    {
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var run = BackfillRun.Play(EngineSettings.Defaults, start, 42, seed: 44);
        var report = RealismFigures.Compute(run.Facts(start, start.AddDays(42), EngineSettings.Defaults));
        foreach (var d in new[] { RealismFigures.ResponderShare, RealismFigures.PersonaBaselineSpread, RealismFigures.PersonaStrategyCramersV, RealismFigures.PersonaSignalCramersV, RealismFigures.ResistanceSpreadGrowth, RealismFigures.ResistanceChange, RealismFigures.IntensityChange })
        {
            var f = report[d.Name];
            output.WriteLine($"{f.Name} = {f.Value} ({f.Verdict}, n {f.N}) {f.Note}");
        }

        Assert.InRange(report[RealismFigures.ResponderShare.Name].Value!.Value, 0.62, 0.78);
        Assert.InRange(report[RealismFigures.PersonaBaselineSpread.Name].Value!.Value, 1.0, 2.0);
        Assert.InRange(report[RealismFigures.PersonaStrategyCramersV.Name].Value!.Value, 0.15, 0.21);
        Assert.InRange(report[RealismFigures.PersonaSignalCramersV.Name].Value!.Value, 0.15, 0.21);
        Assert.True(report[RealismFigures.ResistanceSpreadGrowth.Name].Value >= 1.3);
        Assert.True(report[RealismFigures.ResistanceChange.Name].Value >= 1.05);
        Assert.True(report[RealismFigures.IntensityChange.Name].Value >= 0.8);
        Assert.All(
            new[] { RealismFigures.ResponderShare, RealismFigures.PersonaBaselineSpread, RealismFigures.PersonaStrategyCramersV, RealismFigures.PersonaSignalCramersV, RealismFigures.ResistanceSpreadGrowth },
            d => Assert.Equal(Verdicts.Pass, report[d.Name].Verdict));
    }

    private const double Expected0 = 0.61273423689779916;

    private const double Expected3 = 0.15311177280574695;
}
