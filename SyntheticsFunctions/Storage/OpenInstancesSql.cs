using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// The journey instances the engine left open, as it keeps them (<c>synthetic_open_instances</c>,
/// migration 0017): every writer of instance rows adds <see cref="Track"/> beside them, so idle
/// instances are found by their last activity in the engine's own table and the journey app's
/// <c>journey_instances</c> is touched only by id.
/// </summary>
internal static class OpenInstancesSql
{
    /// <summary>The open instances among <paramref name="instances"/> kept (their last activity), the others dropped; the last row of an instance wins.</summary>
    public static NpgsqlBatchCommand Track(IReadOnlyList<InstanceRow> instances) => Sql.Command(
        """
        WITH latest AS (
            SELECT DISTINCT ON (r.id) r.id, r.user_id, r.status, r.last_activity_at
            FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS r(id, user_id, status, last_activity_at, n)
            ORDER BY r.id, r.n DESC),
        closed AS (
            DELETE FROM synthetic_open_instances o USING latest l WHERE o.instance_id = l.id AND l.status <> 'active')
        INSERT INTO synthetic_open_instances (instance_id, user_id, last_activity_at)
        SELECT l.id, l.user_id, l.last_activity_at FROM latest l WHERE l.status = 'active'
        ON CONFLICT (instance_id) DO UPDATE SET user_id = excluded.user_id, last_activity_at = excluded.last_activity_at
        """,
        Sql.P(instances.Select(i => i.Id).ToArray()), Sql.P(instances.Select(i => i.UserId).ToArray()),
        Sql.P(instances.Select(i => i.Status).ToArray()), Sql.P(instances.Select(i => i.LastActivityAt.UtcDateTime).ToArray()));
}
