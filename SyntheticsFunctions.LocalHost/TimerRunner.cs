using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;

namespace SyntheticsFunctions.LocalHost;

/// <summary>A timer function's schedule as the Functions host reads it: NCRONTAB with 5 or 6 fields, or a TimeSpan interval.</summary>
public sealed class TimerSchedule
{
    private readonly CrontabSchedule? _cron;
    private readonly TimeSpan _interval;

    private TimerSchedule(string expression, CrontabSchedule? cron, TimeSpan interval)
    {
        Expression = expression;
        _cron = cron;
        _interval = interval;
    }

    public string Expression { get; }

    /// <summary>Resolves <c>%NAME%</c> from settings, then parses.</summary>
    public static TimerSchedule Resolve(string declared, IConfiguration configuration)
    {
        var expression = declared;
        if (declared.Length > 2 && declared.StartsWith('%') && declared.EndsWith('%'))
        {
            var name = declared[1..^1];
            expression = configuration[name]
                ?? throw new InvalidOperationException($"The timer schedule setting '{name}' is not set.");
        }

        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is 5 or 6)
        {
            return new TimerSchedule(expression, CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 }), default);
        }

        if (TimeSpan.TryParse(expression, System.Globalization.CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new TimerSchedule(expression, null, interval);
        }

        throw new FormatException($"'{expression}' is neither an NCRONTAB expression of 5 or 6 fields nor a TimeSpan.");
    }

    public DateTime NextAfter(DateTime utc) => _cron?.GetNextOccurrence(utc) ?? utc + _interval;
}

/// <summary>Runs one timer function on its schedule in the local host, honouring <c>AzureWebJobs.&lt;Name&gt;.Disabled</c>.</summary>
internal sealed class TimerRunner(
    FunctionDescriptor function,
    TimerSchedule schedule,
    IServiceProvider services,
    IConfiguration configuration,
    TimeProvider time,
    ILogger logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Timer {Function} scheduled with '{Schedule}'", function.Name, schedule.Expression);
        DateTime? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var next = schedule.NextAfter(now);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (FunctionSwitch.IsDisabled(configuration, function.Name))
            {
                logger.LogInformation("Timer {Function} is disabled by AzureWebJobs.{Function}.Disabled", function.Name, function.Name);
                continue;
            }

            var timer = new TimerInfo
            {
                IsPastDue = time.GetUtcNow().UtcDateTime - next > TimeSpan.FromMinutes(1),
                ScheduleStatus = new ScheduleStatus { Last = last ?? default, Next = schedule.NextAfter(next), LastUpdated = next },
            };
            last = next;
            try
            {
                await using var scope = services.CreateAsyncScope();
                await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider, null, timer, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Timer {Function} failed", function.Name);
            }
        }
    }
}

/// <summary>The standard switch <c>AzureWebJobs.&lt;FunctionName&gt;.Disabled</c> (or <c>AzureWebJobs__&lt;FunctionName&gt;__Disabled</c>).</summary>
public static class FunctionSwitch
{
    public static bool IsDisabled(IConfiguration configuration, string functionName)
    {
        var value = configuration[$"AzureWebJobs.{functionName}.Disabled"] ?? configuration[$"AzureWebJobs:{functionName}:Disabled"];
        return value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");
    }
}
