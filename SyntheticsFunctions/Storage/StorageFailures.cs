using Npgsql;

namespace SyntheticsFunctions.Storage;

/// <summary>Which failures mean "the database is unavailable", as opposed to a bug.</summary>
public static class StorageFailures
{
    /// <summary>
    /// Connection failures, timeouts, a server shutting down or out of resources, and any error
    /// the driver calls transient. Errors Postgres raised about a statement (a constraint, a
    /// trigger) are not: they are bugs or a hostile schema.
    /// </summary>
    public static bool IsUnavailable(Exception e) => e switch
    {
        TimeoutException => true,
        PostgresException p => p.IsTransient || p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("53", StringComparison.Ordinal),
        NpgsqlException => true,
        { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };
}
