using System.Globalization;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>A history played once for the persona claims: 35 days at the defaults, seed 1, judged over its last 28 days.</summary>
public sealed class PersonaHistory
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    public const int Days = 35;

    public const int WindowDays = 28;

    public PersonaHistory()
    {
        var settings = EngineSettings.Defaults with { RetainDays = 90 };
        var run = BackfillRun.Play(settings, Start, Days, seed: 1);
        var end = Start.AddDays(Days);
        Facts = run.Facts(end.AddDays(-WindowDays), end, settings);
        Measures = PersonaClaims.Measure(Facts);
        Results = PersonaClaims.Judge(Measures, WindowDays);
    }

    public RealismFacts Facts { get; }

    public IReadOnlyList<PersonaMeasures> Measures { get; }

    public IReadOnlyList<ClaimResult> Results { get; }
}

/// <summary>Each persona's claim (<see cref="PersonaClaims.All"/>) holds on engine output: a played history, fixed seed.</summary>
public class PersonaClaimsTests(PersonaHistory history, ITestOutputHelper output) : IClassFixture<PersonaHistory>
{
    public static TheoryData<string> Personas() => [.. PopulationModel.Personas.Select(p => p.Name)];

    [Fact]
    public void Every_persona_makes_a_claim_and_every_claim_is_checked_on_28_days()
    {
        Assert.Equal(PopulationModel.Personas.Select(p => p.Name).Order(), PersonaClaims.All.Select(c => c.Persona).Order());
        Assert.Equal(PersonaClaims.All.Count, history.Results.Count);
    }

    [Fact]
    public void Measures_print()
    {
        foreach (var m in history.Measures)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{m.Persona}: sessions {m.Sessions} users {m.Users} weekend {m.WeekendShare:0.000} hour {m.MeanLocalHour:0.00} spread {m.HourSpread:0.00} perDay {m.SessionsPerActiveDay:0.000} days {m.ActiveDaysPerUser:0.00} lapse {m.LapseShare:0.0000} resistance {m.FirstResistance:0.00}"));
        }

        Assert.Equal(PopulationModel.Personas.Count, history.Measures.Count);
    }

    [Theory]
    [MemberData(nameof(Personas))]
    public void The_personas_claim_holds(string persona)
    {
        var result = history.Results.Single(r => r.Claim.Persona == persona);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Claim}: {result.Value:0.000}, next {result.Leader} {result.LeaderValue:0.000}"));
        Assert.True(result.Holds, $"{result.Claim}: {result.Value}, but {result.Leader} {result.LeaderValue}");
    }
}
