using System.Diagnostics.Metrics;

namespace SyntheticsFunctions.Telemetry;

/// <summary>What a succeeded run adds to the counters.</summary>
public sealed record RunMetrics(int SessionsStarted, IReadOnlyDictionary<string, int> RowsPerTable);

/// <summary>The engine's metrics, on the <c>SyntheticsFunctions</c> meter (exported to Application Insights in Azure).</summary>
public sealed class SyntheticsMetrics
{
    public const string MeterName = "SyntheticsFunctions";

    private readonly Counter<long> _runs;
    private readonly Counter<long> _sessionsStarted;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _duration;

    public SyntheticsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _runs = meter.CreateCounter<long>("synthetics.runs", "{run}", "Runs by trigger and outcome.");
        _sessionsStarted = meter.CreateCounter<long>("synthetics.sessions.started", "{session}", "Sessions started.");
        _rows = meter.CreateCounter<long>("synthetics.rows.written", "{row}", "Rows written, by table.");
        _retries = meter.CreateCounter<long>("synthetics.run.retries", "{retry}", "Whole-run retries after transient failures.");
        _duration = meter.CreateHistogram<double>("synthetics.run.duration", "ms", "Duration of a run.");
    }

    public void Record(string trigger, string status, RunMetrics? result, double durationMs, int retries)
    {
        var triggerTag = new KeyValuePair<string, object?>("trigger", trigger);
        _runs.Add(1, triggerTag, new KeyValuePair<string, object?>("status", status.ToLowerInvariant()));
        _duration.Record(durationMs, triggerTag);
        if (retries > 0)
        {
            _retries.Add(retries, triggerTag);
        }

        if (result is null)
        {
            return;
        }

        _sessionsStarted.Add(result.SessionsStarted, triggerTag);
        foreach (var (table, rows) in result.RowsPerTable)
        {
            _rows.Add(rows, triggerTag, new KeyValuePair<string, object?>("table", table));
        }
    }
}
