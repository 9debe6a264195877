namespace SyntheticsFunctions.Engine;

/// <summary>
/// Postgres keeps times to the microsecond, .NET to the tick (100 ns). A time that is stored and
/// read back to plan again (a session's start, the end of a window a later run continues from) is
/// truncated to the microsecond when it is made, so the plan made from the stored value is the
/// plan made from the original, to the row.
/// </summary>
public static class Microseconds
{
    public static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
