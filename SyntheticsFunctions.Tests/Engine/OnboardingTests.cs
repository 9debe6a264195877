using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// The small tells of a new user: the first session follows the signup after an onboarding delay
/// (on an engine-owned pool and on a pool the app owns), ids are dated at their rows' time, and
/// names look like people's.
/// </summary>
public class OnboardingTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 18, 30, 0, TimeSpan.Zero);

    [Fact]
    public void The_onboarding_delay_is_heavy_tailed_from_under_a_second_to_hours()
    {
        var random = new Random(1);
        var delays = Enumerable.Range(0, 100_000).Select(_ => PopulationModel.OnboardingDelay(random)).Order().ToList();

        // 10% straight in, plus the log-normal's 0.1% under a second; median about 3.1 min, p90 about 36 min; the cap at 12 h.
        Assert.InRange(delays.Count(d => d <= TimeSpan.FromSeconds(1)) / 100_000.0, 0.098, 0.105);
        Assert.InRange(delays[49_999].TotalMinutes, 3.0, 3.25);
        Assert.InRange(delays[89_999].TotalMinutes, 34, 38);
        Assert.Equal(TimeSpan.FromHours(PopulationModel.Onboarding.MaxHours), delays[^1]);
        Assert.Equal(PopulationModel.OnboardingDelay(Guid.Parse("01a227bd-148a-7ae8-a25f-0d243809ca7e")), PopulationModel.OnboardingDelay(Guid.Parse("01a227bd-148a-7ae8-a25f-0d243809ca7e")));
    }

    [Fact]
    public void A_signup_joins_an_onboarding_delay_before_their_first_session_and_ids_are_dated_at_their_rows()
    {
        var settings = EngineSettings.Defaults with { SessionsPerMin = 200, MaxPerRun = 200 };
        var output = RunPlanner.Plan(new RunInput(
            RunTrigger.Cron, Guid.Parse("00000000-0000-7000-8000-000000000001"), 3, Now, Now.AddMinutes(-1), 0, settings, DefaultCatalog.Catalog,
            [], [], [], 0, SignUpsAllowed: 1000));
        var first = output.Batch.Events.GroupBy(e => e.UserId).ToDictionary(g => g.Key, g => g.Min(e => e.CreatedAt));

        Assert.InRange(output.SignUps.Count, 100, 300);
        Assert.All(output.SignUps, signup =>
        {
            var state = output.UserStates.Single(u => u.State.ProfileId == signup.ProfileId).State;
            Assert.Equal(signup.SignupAt, state.SignupAt);
            Assert.True(first[signup.ProfileId] > signup.SignupAt);
            Assert.InRange(first[signup.ProfileId], Now.AddMinutes(-1), Now);
            Assert.Equal(signup.SignupAt.ToUnixTimeMilliseconds(), Uuid7.Milliseconds(signup.ProfileId));
        });
        Assert.All(output.SessionsToKeep, s => Assert.Equal(s.StartedAt.ToUnixTimeMilliseconds(), Uuid7.Milliseconds(s.SessionId)));
        Assert.All(output.Batch.Events, e => Assert.Equal(e.CreatedAt.ToUnixTimeMilliseconds(), Uuid7.Milliseconds(e.Id)));
        Assert.All(output.Batch.Instances, i => Assert.Equal(i.StartedAt.ToUnixTimeMilliseconds(), Uuid7.Milliseconds(i.Id)));
    }

    [Fact]
    public void On_a_pool_the_app_owns_a_members_first_session_waits_their_onboarding_delay_after_the_profile()
    {
        var member = Guid.Parse("01a227bd-148a-7ae8-a25f-0d243809ca7e");
        var created = Now.AddMinutes(-30);
        var ready = created + PopulationModel.OnboardingDelay(member);
        var candidate = new CandidateUser(member, "Europe/London", null, AvailableAt: created, Persona: "night_owl");

        List<(CandidateUser User, UserState State)> ChooseAt(DateTimeOffset now) =>
            RunPlanner.Choose([], now, now.AddMinutes(-1), 5, 0, new HashSet<Guid>(), new Random(1), [candidate], bringForward: false);

        Assert.Empty(ChooseAt(ready.AddMilliseconds(-1)));
        var now = ready.AddSeconds(30);
        var (user, state) = Assert.Single(ChooseAt(now));
        var input = new RunInput(RunTrigger.Cron, Guid.Parse("00000000-0000-7000-8000-000000000001"), 1, now, now.AddMinutes(-1), 0, EngineSettings.Defaults, DefaultCatalog.Catalog, [], [candidate], [], 0, Growth: PoolGrowth.Fixed);
        var started = RunPlanner.Start(input, user, state, signsUp: false, DefaultCatalog.Catalog.PlayableAt(now), now.AddMinutes(-1), now.AddDays(-7), new Random(2));

        // A window that began before they were ready starts them no earlier than ready.
        Assert.InRange(started.Session.StartedAt, Microseconds.Truncate(ready), now);
        Assert.Equal(started.Session.StartedAt.ToUnixTimeMilliseconds(), Uuid7.Milliseconds(started.Session.SessionId));
    }

    [Fact]
    public void Names_are_a_first_name_from_many_languages_and_a_last_initial_the_same_for_the_same_id()
    {
        var random = new Random(5);
        var ids = Enumerable.Range(0, 10_000).Select(_ => Uuid7.Create(Now, random)).ToList();
        var names = ids.Select(PersonNames.For).ToList();

        Assert.True(PersonNames.FirstNames.Distinct().Count() == PersonNames.FirstNames.Count && PersonNames.FirstNames.Count >= 150, $"{PersonNames.FirstNames.Count} first names");
        Assert.InRange(PersonNames.FirstNames.Count(n => n.Any(c => c > '\u007f')) / (double)PersonNames.FirstNames.Count, 0.05, 0.5);
        Assert.Equal(names, ids.Select(PersonNames.For));
        Assert.Equal(PersonNames.FirstNames.Count, names.Select(n => n[..n.LastIndexOf(' ')]).Distinct().Count());
        Assert.InRange(names.Count(n => n.Any(c => c > '\u007f')) / 10_000.0, 0.2, 0.35);
        Assert.All(names, n => Assert.Matches(@"^\p{L}[\p{L}-]* \p{Lu}\.$", n));
    }
}
