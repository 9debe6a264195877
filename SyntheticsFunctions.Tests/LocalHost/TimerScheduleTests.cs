using Microsoft.Extensions.Configuration;
using SyntheticsFunctions.LocalHost;

namespace SyntheticsFunctions.Tests.LocalHost;

public class TimerScheduleTests
{
    private static readonly DateTime At = new(2026, 11, 25, 10, 17, 30, DateTimeKind.Utc);

    [Theory]
    [InlineData("0 */1 * * * *", "2026-11-25T10:18:00")]
    [InlineData("*/5 * * * *", "2026-11-25T10:20:00")]
    [InlineData("0 0 4 * * *", "2026-11-26T04:00:00")]
    [InlineData("*/2 * * * * *", "2026-11-25T10:17:32")]
    [InlineData("00:05:00", "2026-11-25T10:22:30")]
    public void Schedules_are_read_as_the_functions_host_reads_them(string expression, string next)
    {
        var schedule = TimerSchedule.Resolve(expression, new ConfigurationBuilder().Build());

        Assert.Equal(DateTime.Parse(next, System.Globalization.CultureInfo.InvariantCulture), schedule.NextAfter(At));
    }

    [Fact]
    public void A_percent_placeholder_is_resolved_from_settings()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MySchedule"] = "0 0 * * * *" }).Build();

        var schedule = TimerSchedule.Resolve("%MySchedule%", settings);

        Assert.Equal("0 0 * * * *", schedule.Expression);
        Assert.Equal(new DateTime(2026, 11, 25, 11, 0, 0, DateTimeKind.Utc), schedule.NextAfter(At));
    }

    [Theory]
    [InlineData("%Missing%", "The timer schedule setting 'Missing' is not set.")]
    [InlineData("every minute", "'every minute' is neither an NCRONTAB expression of 5 or 6 fields nor a TimeSpan.")]
    public void A_bad_schedule_is_refused_with_a_clear_message(string expression, string message)
    {
        var error = Record.Exception(() => TimerSchedule.Resolve(expression, new ConfigurationBuilder().Build()));

        Assert.Equal(message, error?.Message);
    }
}
