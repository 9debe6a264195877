using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Storage.Declarations;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// The realism check's facts: written by the writers with the rows they describe
/// (<see cref="AddWrites"/> in a run's write batch, <see cref="CopyAsync"/> and <see cref="Checks"/>
/// in a backfill chunk), and read by the check (<see cref="ReadAsync"/>), which only reads. Only sim
/// users' rows carrying the synthetic tag count, never a real user's.
/// </summary>
public sealed class RealismStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The statement that records a write's rule checks, judged by <c>synthetic_realism_check</c>
    /// (migration 0011) on the events it wrote as the tables stand after its rows, with its capture
    /// texts. <paramref name="checkedAt"/> is the write's now: a row dated after it is out of order.
    /// </summary>
    public static NpgsqlBatchCommand Checks(Guid writeId, IReadOnlyList<SceneEventRow> events, DateTimeOffset checkedAt, IReadOnlyList<string> captureTexts) => Sql.Command(
        $"""
        INSERT INTO {RealismTables.Checks} (
            write_id, first_at, last_at, triggers, triggers_outside, scenes_checked, contract_violations, rows_checked, rows_out_of_order, capture_texts)
        SELECT $1, c.first_at, c.last_at, c.triggers, c.triggers_outside, c.scenes_checked, c.contract_violations, c.rows_checked, c.rows_out_of_order, $4
        FROM synthetic_realism_check($2, $3) c
        WHERE c.first_at IS NOT NULL
        """,
        Sql.P(writeId), Sql.P(events.Select(e => e.Id).ToArray()), Sql.P(checkedAt.UtcDateTime), Sql.P(captureTexts.ToArray()));

    /// <summary>Adds a run's facts to its write batch, after its activity rows: its pieces, its signals, its row facts and its rule checks.</summary>
    internal static void AddWrites(NpgsqlBatchCommandCollection commands, Guid runId, ActivityBatch batch, RealismRecord record, DateTimeOffset now)
    {
        AddRows(commands, RealismTables.Pieces, record.Pieces);
        AddRows(commands, RealismTables.Signals, record.Signals);
        AddRows(commands, RealismTables.Captures, record.Captures);
        AddRows(commands, RealismTables.Triggers, record.Triggers);
        AddRows(commands, RealismTables.ResistanceChecks, record.ResistanceChecks);
        AddRows(commands, RealismTables.SignalChoices, record.SignalChoices);
        if (batch.Events.Count > 0)
        {
            commands.Add(Checks(runId, batch.Events, now, record.CaptureTexts));
        }
    }

    // One fact table's insert, where the write has rows for it.
    private static void AddRows<TRow>(NpgsqlBatchCommandCollection commands, TableDeclaration<TRow> table, IReadOnlyList<TRow> rows)
    {
        if (rows.Count > 0)
        {
            commands.Add(table.InsertFromArrays(rows));
        }
    }

    /// <summary>Deletes the facts of rows older than <c>$1</c> (<c>infinity</c> on purge: all), so they go with the rows they describe.</summary>
    internal static IReadOnlyList<string> DeleteBefore { get; } =
    [
        $"DELETE FROM {RealismTables.Pieces.Name} WHERE started_at < $1",
        $"DELETE FROM {RealismTables.Signals.Name} WHERE created_at < $1",
        $"DELETE FROM {RealismTables.Checks} WHERE last_at < $1",
        .. RealismTables.RowFacts.Select(t => $"DELETE FROM {t.Name} WHERE created_at < $1"),

        // No capture before the horizon is left: none lacks its facts.
        $"DELETE FROM {RealismTables.WordHistory} WHERE captures_before <= $1",
    ];

    /// <summary>Writes a backfill chunk's pieces, signals and row facts through binary COPY, in the chunk's transaction.</summary>
    internal static async Task CopyAsync(NpgsqlConnection connection, RealismRecord record, CancellationToken cancellationToken)
    {
        await CopyWriter.WriteAsync(connection, RealismTables.Pieces, record.Pieces, cancellationToken);
        await CopyWriter.WriteAsync(connection, RealismTables.Signals, record.Signals, cancellationToken);
        await CopyWriter.WriteAsync(connection, RealismTables.Captures, record.Captures, cancellationToken);
        await CopyWriter.WriteAsync(connection, RealismTables.Triggers, record.Triggers, cancellationToken);
        await CopyWriter.WriteAsync(connection, RealismTables.ResistanceChecks, record.ResistanceChecks, cancellationToken);
        await CopyWriter.WriteAsync(connection, RealismTables.SignalChoices, record.SignalChoices, cancellationToken);
    }

    /// <summary>
    /// The facts for the window [<paramref name="from"/>, <paramref name="to"/>), each part on a
    /// connection of its own: users, enrolments, the sessions begun in the window (their pieces added
    /// up, their signals in time order) and the counts. <paramref name="settings"/> give the rates and
    /// the volume the rows should show.
    /// </summary>
    public async Task<RealismFacts> ReadAsync(DateTimeOffset from, DateTimeOffset to, EngineSettings settings, CancellationToken cancellationToken)
    {
        var users = ReadUsersAsync(cancellationToken);
        var enrolments = ReadEnrolmentsAsync(from, to, cancellationToken);
        var sessions = ReadSessionsAsync(from, to, cancellationToken);
        var counts = ReadCountsAsync(from, to, settings, cancellationToken);
        var sceneSteps = ReadSceneStepsAsync(from, to, cancellationToken);
        var reach = ReadCatalogReachAsync(to, cancellationToken);
        var outcomes = ReadOutcomesAsync(from, to, cancellationToken);
        var words = ReadWordsAsync(from, to, cancellationToken);
        await Task.WhenAll(users, enrolments, sessions, counts, sceneSteps, reach, outcomes, words);

        var sim = await users;
        var ofSimUsers = (await enrolments).Where(e => sim.ContainsKey(e.User)).ToList();
        var (playable, enrolled) = await reach;
        return new RealismFacts(from, to, (await sessions).Of(sim), sim, ofSimUsers, await counts) { SceneSteps = await sceneSteps, PlayableJourneys = playable, JourneysEnrolled = enrolled, Outcomes = await outcomes, Words = await words };
    }

    // The journey tables' statistics are their owner's to refresh and may be far off (an ANALYZE
    // that ran during a bulk insert takes a full table for an empty one, so does a VACUUM after a
    // purge). A plan chosen on them can nest a scan of a whole table inside a loop over another: a
    // realism check of one backfilled day took 35 s so (RealismCheckPlanTests). So each read fixes
    // the shape of its plan, with SET LOCAL in a read-only transaction of its own (nothing outlives
    // the read): the window's counts and aggregates hash-join, the probes of single scenes go by index.
    private const string Aggregates = "SET LOCAL enable_nestloop = off";
    private const string Probes = "SET LOCAL enable_seqscan = off";

    /// <summary>A connection for one read, in a read-only transaction with <paramref name="planner"/> set (<see cref="Aggregates"/> or <see cref="Probes"/>).</summary>
    private async Task<NpgsqlConnection> OpenReadAsync(string planner, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // Rolled back when the connection is disposed: the read writes nothing.
            _ = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
            await using var command = new NpgsqlCommand($"SET TRANSACTION READ ONLY; {planner}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The word facts, from the facts the writers keep (migration 0018): the window's captures and
    /// seams counted, reuse counted in the database on the sample <see cref="WordFacts.ReuseSampleEvery"/>
    /// gives, the triggers and their distinct descriptions. Captures dated before
    /// <c>synthetic_realism_word_history.captures_before</c> have no facts: where the window reaches
    /// them, they are read from the table and keyed here, and the window's facts are streamed into the
    /// same <see cref="CaptureTally"/>. Only sim users' rows.
    /// </summary>
    private async Task<WordFacts> ReadWordsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(Aggregates, cancellationToken);
        long triggers, descriptions;
        long captures, seams;
        DateTimeOffset? before;
        await using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(Sql.Command($"SELECT captures_before FROM {RealismTables.WordHistory} WHERE id"));
            batch.BatchCommands.Add(Sql.Command(
                $"""
                SELECT coalesce(sum(n), 0)::bigint, count(*) FROM (
                    SELECT count(*) AS n FROM {RealismTables.Triggers.Name} t
                    WHERE t.created_at >= $1 AND t.created_at < $2 AND EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = t.user_id)
                    GROUP BY t.description) d
                """,
                Sql.P(from.UtcDateTime), Sql.P(to.UtcDateTime)));
            batch.BatchCommands.Add(Sql.Command(
                $"""
                SELECT count(*), count(*) FILTER (WHERE c.seam) FROM {RealismTables.Captures.Name} c
                WHERE c.created_at >= $1 AND c.created_at < $2 AND EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = c.user_id)
                """,
                Sql.P(from.UtcDateTime), Sql.P(to.UtcDateTime)));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            before = await reader.ReadAsync(cancellationToken) ? Sql.ReadTimestamp(reader, 0) : null;
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (triggers, descriptions) = (reader.GetInt64(0), reader.GetInt64(1));
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (captures, seams) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (before is { } b && b > from)
        {
            return await ReadWordsFromTableAsync(connection, from, b < to ? b : to, to, triggers, descriptions, cancellationToken);
        }

        // Each sampled text's captures and whether more than one user wrote it.
        await using var sample = new NpgsqlCommand(
            $"""
            SELECT coalesce(sum(n), 0)::bigint, coalesce(sum(n) FILTER (WHERE users > 1), 0)::bigint FROM (
                SELECT count(*) AS n, count(DISTINCT c.user_id) AS users FROM {RealismTables.Captures.Name} c
                WHERE c.created_at >= $1 AND c.created_at < $2 AND (c.text_key & $3) = 0
                  AND EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = c.user_id)
                GROUP BY c.text_key) k
            """,
            connection);
        sample.Parameters.Add(Sql.P(from.UtcDateTime));
        sample.Parameters.Add(Sql.P(to.UtcDateTime));
        sample.Parameters.Add(Sql.P(WordFacts.ReuseSampleEvery(captures) - 1));
        await using var read = await sample.ExecuteReaderAsync(cancellationToken);
        await read.ReadAsync(cancellationToken);
        return WordFacts.Of(captures, seams, read.GetInt64(0), read.GetInt64(1), triggers, descriptions);
    }

    // The window's captures without facts ([from, before)) read from the table and keyed here, then
    // the facts of the rest ([before, to)), all counted by one tally.
    private static async Task<WordFacts> ReadWordsFromTableAsync(
        NpgsqlConnection connection, DateTimeOffset from, DateTimeOffset before, DateTimeOffset to, long triggers, long descriptions, CancellationToken cancellationToken)
    {
        var labels = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT title FROM journeys UNION SELECT title FROM journey_scenes UNION SELECT name FROM mindblocks", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                labels.Add(reader.GetString(0));
            }
        }

        var tally = new CaptureTally(labels);
        await using (var captures = await connection.BeginBinaryExportAsync(
            $"""
            COPY (SELECT c.user_id, c.response FROM {Tables.JourneySceneCaptures} c
                  WHERE c.created_at >= {Literal(from)} AND c.created_at < {Literal(before)} AND c.metadata->>'synthetic' = 'true'
                    AND EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = c.user_id)) TO STDOUT (FORMAT BINARY)
            """, cancellationToken))
        {
            while (await captures.StartRowAsync(cancellationToken) != -1)
            {
                tally.Add(captures.Read<Guid>(), captures.Read<string>());
            }
        }

        await using (var facts = await connection.BeginBinaryExportAsync(
            $"""
            COPY (SELECT c.user_id, c.text_key, c.seam FROM {RealismTables.Captures.Name} c
                  WHERE c.created_at >= {Literal(before)} AND c.created_at < {Literal(to)}
                    AND EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = c.user_id)) TO STDOUT (FORMAT BINARY)
            """, cancellationToken))
        {
            while (await facts.StartRowAsync(cancellationToken) != -1)
            {
                tally.Add(facts.Read<Guid>(), facts.Read<long>(), facts.Read<bool>());
            }
        }

        return tally.Facts(triggers, descriptions);
    }

    /// <summary>
    /// How many journeys can be played at <paramref name="to"/> (a scene, and created by then, as
    /// <see cref="Catalog.PlayableAt"/> has it), and how many of them each user has enrolled in (synthetic
    /// enrolments begun before <paramref name="to"/>, whenever).
    /// </summary>
    private async Task<(int Playable, Dictionary<Guid, int> Enrolled)> ReadCatalogReachAsync(DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(Aggregates, cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var playable =
            $"""
            SELECT j.id FROM journeys j
            WHERE EXISTS (SELECT 1 FROM journey_scenes s WHERE s.journey_id = j.id) AND coalesce({Sql.JourneyCreatedAt("j")} <= $1, true)
            """;
        batch.BatchCommands.Add(Sql.Command($"SELECT count(*)::int FROM ({playable}) p", Sql.P(to.UtcDateTime)));
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT i.user_id, count(DISTINCT i.journey_id)::int
            FROM journey_instances i
            WHERE i.started_at < $1 AND i.metadata->>'synthetic' = 'true' AND i.journey_id IN ({playable})
            GROUP BY i.user_id
            """,
            Sql.P(to.UtcDateTime)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = reader.GetInt32(0);
        await reader.NextResultAsync(cancellationToken);
        var enrolled = new Dictionary<Guid, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            enrolled[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return (count, enrolled);
    }

    // A synthetic row's user, listed, with the persona the engine knows (their state's, else their pool entry's).
    private const string PersonaJoin =
        $"JOIN synthetic_pool pm ON pm.profile_id = x.user_id AND {PoolSql.Listed} LEFT JOIN synthetic_user_state us ON us.profile_id = x.user_id";

    /// <summary>
    /// The outcome facts, from the facts the writers keep (migration 0018; an upgrade copied the
    /// history in): for each user who signed up in the window with resistance checks in it, the
    /// levels of those checks in time order (<see cref="CheckedUserFact.Of"/> reduces them), and the
    /// count of each persona's strategies and signals (one row per persona and value). The checks
    /// are joined to the window's signups before they are grouped, so only theirs are ordered, each
    /// user's apart (a window function over every check sorted them all, on disk: 3 times slower).
    /// </summary>
    private async Task<OutcomeFacts> ReadOutcomesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(Aggregates, cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT s.profile_id, s.persona, s.signup_at, array_agg(rc.level ORDER BY rc.created_at, rc.check_id)
            FROM {RealismTables.ResistanceChecks.Name} rc
            JOIN (SELECT pm.profile_id, coalesce(us.persona, pm.persona) AS persona, us.signup_at
                  FROM synthetic_pool pm JOIN synthetic_user_state us ON us.profile_id = pm.profile_id
                  WHERE {PoolSql.Listed} AND us.signup_at >= $1 AND us.signup_at < $2) s ON s.profile_id = rc.user_id
            WHERE rc.created_at >= $1 AND rc.created_at < $2
            GROUP BY s.profile_id, s.persona, s.signup_at
            """,
            Sql.P(from.UtcDateTime), Sql.P(to.UtcDateTime)));
        foreach (var (table, column) in new[] { (RealismTables.ResistanceChecks.Name, "strategy"), (RealismTables.SignalChoices.Name, "signal") })
        {
            batch.BatchCommands.Add(Sql.Command(
                $"""
                SELECT coalesce(us.persona, pm.persona), x.{column}, count(*)
                FROM (SELECT user_id, {column} FROM {table}
                      WHERE created_at >= $1 AND created_at < $2) x
                {PersonaJoin}
                GROUP BY 1, 2
                """,
                Sql.P(from.UtcDateTime), Sql.P(to.UtcDateTime)));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var users = new List<CheckedUserFact>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(CheckedUserFact.Of(
                reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), Sql.ReadTimestamp(reader, 2), reader.GetFieldValue<int[]>(3)));
        }

        var choices = new List<PersonaChoice>[2];
        for (var i = 0; i < choices.Length; i++)
        {
            await reader.NextResultAsync(cancellationToken);
            choices[i] = [];
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(0) && !reader.IsDBNull(1))
                {
                    choices[i].Add(new PersonaChoice(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                }
            }
        }

        return new OutcomeFacts(users, choices[0], choices[1]);
    }

    /// <summary>
    /// Where the synthetic history the tables hold begins: the start recorded in
    /// <c>synthetic_installation.history_start</c> (migration 0013: the first cron run's window, or
    /// the start of a backfill window reaching further back). Where nothing is recorded (no row, or
    /// a null), the start of the earliest session kept, which retention and purge move with what is
    /// kept; null before any.
    /// </summary>
    public async Task<DateTimeOffset?> HistoryStartAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT coalesce((SELECT history_start FROM synthetic_installation WHERE id), (SELECT min(started_at) FROM {RealismTables.Pieces.Name}))");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? Sql.ReadTimestamp(reader, 0) : null;
    }

    // COPY takes no parameters: the window's bounds are the check's own timestamps, written as literals.
    private static string Literal(DateTimeOffset at) => $"'{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'::timestamptz";

    // The sessions in two halves of the window and the signals, each on a connection of its own,
    // so Postgres and the decoding work on both cores. A session's pieces all carry its start, so
    // each session is whole in one half, its pieces side by side in the order of start and id.
    private async Task<SessionPieces> ReadSessionsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var middle = from + ((to - from) / 2);
        var early = ReadPiecesAsync(from, middle, cancellationToken);
        var late = ReadPiecesAsync(middle, to, cancellationToken);
        var signals = ReadSignalsAsync(from, to, cancellationToken);
        await Task.WhenAll(early, late, signals);

        var sessions = await early;
        sessions.Append(await late);
        sessions.Attach(await signals);

        return sessions;
    }

    private async Task<SessionPieces> ReadPiecesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(Aggregates, cancellationToken);
        var sessions = new SessionPieces();
        await using var pieces = await connection.BeginBinaryExportAsync(
            $"""
            COPY (SELECT session_id, user_id, instance_id, started_at, events, errored, scenes_opened, scenes_completed, mindblock_signals,
                         last_scene_order, resistance_sum, resistance_count, intensity_sum, intensity_count, last_event_at
                  FROM {RealismTables.Pieces.Name} WHERE started_at >= {Literal(from)} AND started_at < {Literal(to)}
                  ORDER BY started_at, session_id) TO STDOUT (FORMAT BINARY)
            """, cancellationToken);
        // Each row is awaited, its columns read synchronously: fifteen awaits a row over half a
        // million rows cost more than the occasional buffer refill a column read may block on.
        while (await pieces.StartRowAsync(cancellationToken) != -1)
        {
            var id = pieces.Read<Guid>();
            var piece = new SessionPieces.Piece
            {
                User = pieces.Read<Guid>(),
                Instance = pieces.IsNull ? Skip(pieces) : pieces.Read<Guid>(),
                Start = pieces.Read<DateTime>(),
                Events = pieces.Read<int>(),
                Errored = pieces.Read<bool>(),
                ScenesOpened = pieces.Read<int>(),
                ScenesCompleted = pieces.Read<int>(),
                MindblockSignals = pieces.Read<int>(),
                LastSceneOrder = pieces.Read<int>(),
                ResistanceSum = pieces.Read<int>(),
                ResistanceCount = pieces.Read<int>(),
                IntensitySum = pieces.Read<int>(),
                IntensityCount = pieces.Read<int>(),
                End = pieces.IsNull ? SkipNull<DateTime>(pieces) : pieces.Read<DateTime>(),
            };
            sessions.Add(id, piece);
        }

        return sessions;
    }

    // The window's signals in time order; a session begun in the window has all of its own in it.
    private async Task<List<(Guid Session, Guid Mindblock, int Intensity)>> ReadSignalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(Aggregates, cancellationToken);
        var read = new List<(Guid, Guid, int)>();
        await using var signals = await connection.BeginBinaryExportAsync(
            $"""
            COPY (SELECT session_id, mindblock_id, intensity FROM {RealismTables.Signals.Name}
                  WHERE created_at >= {Literal(from)} AND created_at < {Literal(to)} ORDER BY created_at, event_id) TO STDOUT (FORMAT BINARY)
            """, cancellationToken);
        while (await signals.StartRowAsync(cancellationToken) != -1)
        {
            read.Add((
                signals.Read<Guid>(),
                signals.Read<Guid>(),
                signals.Read<int>()));
        }

        return read;
    }

    private static Guid Skip(NpgsqlBinaryExporter exporter)
    {
        exporter.Skip();
        return Guid.Empty;
    }

    private static T? SkipNull<T>(NpgsqlBinaryExporter exporter)
        where T : struct
    {
        exporter.Skip();
        return null;
    }

    // The steps of the window's latest scenes opened, each scene's in time order; scenes with too
    // few steps to compare two gaps are left out. Bounded whatever the planner knows of the table:
    // the hourly rollup of scene_opened events gives the latest hour from which the window holds a
    // sample's worth, only events from then on are read (through the synthetic created_at index),
    // and each sampled scene's steps are looked up by its id (a synthetic scene's events are the engine's).
    private async Task<List<IReadOnlyList<DateTimeOffset>>> ReadSceneStepsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(Probes, cancellationToken);
        await using var command = new NpgsqlCommand(
            connection: connection, cmdText:
            $"""
            SELECT s.steps
            FROM (SELECT o.instance_scene_id FROM journey_scene_events o
                  WHERE o.event_payload->>'synthetic' = 'true' AND o.created_at < $2
                    AND o.created_at >= greatest($1, (
                        SELECT max(h.hour) FROM (
                            SELECT hour, sum(count) OVER (ORDER BY hour DESC) AS since FROM {Rollups.HoursTable}
                            WHERE metric = '{Rollups.EventPrefix}{EventTypes.SceneOpened}' AND hour >= date_trunc('hour', $1) AND hour < $2) h
                        WHERE h.since >= {RealismFigures.SceneTimingSample}))
                    AND o.event_type = '{EventTypes.SceneOpened}' AND o.instance_scene_id IS NOT NULL
                    AND (SELECT true FROM sim_users su WHERE su.profile_id = o.user_id LIMIT 1) -- a probe per row, never a join
                  ORDER BY o.created_at DESC LIMIT {RealismFigures.SceneTimingSample}) r
            CROSS JOIN LATERAL (
                SELECT array_agg(e.created_at ORDER BY e.created_at, e.id) AS steps FROM journey_scene_events e
                WHERE e.instance_scene_id = r.instance_scene_id
                  AND e.event_type IN ('{EventTypes.SceneOpened}', '{EventTypes.CaptureSubmitted}', '{EventTypes.ResistanceCheckCompleted}')) s
            WHERE cardinality(s.steps) >= {RealismFigures.SceneTimingMinSteps}
            """);
        command.Parameters.Add(Sql.P(from.UtcDateTime));
        command.Parameters.Add(Sql.P(to.UtcDateTime));
        var scenes = new List<IReadOnlyList<DateTimeOffset>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            scenes.Add([.. reader.GetFieldValue<DateTime[]>(0).Select(at => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)))]);
        }

        return scenes;
    }

    private async Task<Dictionary<Guid, UserFact>> ReadUsersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(Aggregates, cancellationToken);
        await using var command = new NpgsqlCommand(
            connection: connection, cmdText:
            $"SELECT pm.profile_id, pm.timezone, us.signup_at, coalesce(us.persona, pm.persona), pm.available_at FROM synthetic_pool pm LEFT JOIN synthetic_user_state us ON us.profile_id = pm.profile_id WHERE {PoolSql.Listed}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new Dictionary<Guid, UserFact>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users[reader.GetGuid(0)] = new UserFact(
                reader.IsDBNull(2) ? null : Sql.ReadTimestamp(reader, 2), reader.GetString(1), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : Sql.ReadTimestamp(reader, 4));
        }

        return users;
    }

    private async Task<List<EnrolmentFact>> ReadEnrolmentsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // One pass over the synthetic enrolments begun before the window's end: whether each had
        // an earlier one by the same user in the same journey, kept for those begun in the window.
        // Whose they are (sim users only) is checked against the users read alongside; the journey's
        // created_at may be absent from an app's own table (Sql.JourneyCreatedAt).
        await using var connection = await OpenReadAsync(Aggregates, cancellationToken);
        await using var command = new NpgsqlCommand(
            connection: connection, cmdText:
            $"""
            SELECT x.id, x.user_id, x.journey_id, x.started_at, x.completed_at, coalesce(j.scenes, 0), x.re_enrolment, c.created_at
            FROM (SELECT i.id, i.user_id, i.journey_id, i.started_at, i.completed_at,
                         min(i.started_at) OVER (PARTITION BY i.user_id, i.journey_id) < i.started_at AS re_enrolment
                  FROM journey_instances i
                  WHERE i.started_at < $2 AND i.metadata->>'synthetic' = 'true') x
            LEFT JOIN (SELECT journey_id, count(*)::int AS scenes FROM journey_scenes GROUP BY journey_id) j ON j.journey_id = x.journey_id
            LEFT JOIN (SELECT r.id, {Sql.JourneyCreatedAt("r")} AS created_at FROM journeys r) c ON c.id = x.journey_id
            WHERE x.started_at >= $1
            """);
        command.Parameters.Add(Sql.P(from.UtcDateTime));
        command.Parameters.Add(Sql.P(to.UtcDateTime));
        var enrolments = new List<EnrolmentFact>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            enrolments.Add(new EnrolmentFact(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), Sql.ReadTimestamp(reader, 3),
                reader.IsDBNull(4) ? null : Sql.ReadTimestamp(reader, 4), reader.GetInt32(5), reader.GetBoolean(6),
                reader.IsDBNull(7) ? null : Sql.ReadTimestamp(reader, 7)));
        }

        return enrolments;
    }

    private async Task<TableCounts> ReadCountsAsync(DateTimeOffset from, DateTimeOffset to, EngineSettings settings, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(Aggregates, cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Sql.Command(
            $"SELECT coalesce(sum(count), 0)::bigint FROM {Rollups.HoursTable} WHERE hour >= $1 AND hour < $2 AND metric LIKE '{Rollups.EventPrefix}%'",
            Sql.P(from.UtcDateTime), Sql.P(to.UtcDateTime)));

        // The writes whose events overlap the window.
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT coalesce(sum(triggers), 0)::bigint, coalesce(sum(triggers_outside), 0)::bigint, coalesce(sum(scenes_checked), 0)::bigint,
                   coalesce(sum(contract_violations), 0)::bigint, coalesce(sum(rows_checked), 0)::bigint, coalesce(sum(rows_out_of_order), 0)::bigint
            FROM {RealismTables.Checks} WHERE last_at >= $1 AND first_at < $2
            """,
            Sql.P(from.UtcDateTime), Sql.P(to.UtcDateTime)));

        // The latest writes' texts, newest first, until the sample is full: counted by their stored
        // count, so only the arrays read back are the sampled ones.
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT capture_texts FROM (
                SELECT last_at, write_id, capture_texts,
                       sum(capture_count) OVER (ORDER BY last_at DESC, write_id) - capture_count AS before
                FROM {RealismTables.Checks} WHERE last_at >= $1 AND first_at < $2 AND capture_count > 0) d
            WHERE before < {RealismFigures.CaptureSample}
            ORDER BY last_at DESC, write_id
            """,
            Sql.P(from.UtcDateTime), Sql.P(to.UtcDateTime)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var events = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (triggers, outside, scenes, violations, rows, disorder) =
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        await reader.NextResultAsync(cancellationToken);
        var texts = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            texts.AddRange(reader.GetFieldValue<string[]>(0));
        }

        return new TableCounts(
            // The volume the settings ask for, paused or not: a check of a paused engine's history judges it by its rates.
            events, ExpectedVolume.EventsPerMinute(settings with { Enabled = true }, 1) * 60, settings.AbandonRate, settings.ErrorRate, settings.MindblockChance,
            texts, triggers, outside, scenes, violations, rows, disorder);
    }
}

/// <summary>
/// The sessions of a window as their pieces are read in the order of start and session (a
/// session's pieces side by side): a session's pieces added up (its end the latest of theirs), and
/// its mindblock signals attached in the order they are read (time order).
/// </summary>
internal sealed class SessionPieces
{
    private readonly List<Piece> _sessions = [];
    private (Guid Mindblock, int Intensity)[] _signals = [];

    public void Add(Guid id, Piece piece)
    {
        if (_sessions.Count == 0 || _sessions[^1].Id != id)
        {
            piece.Id = id;
            _sessions.Add(piece);
            return;
        }

        ref var session = ref CollectionsMarshal.AsSpan(_sessions)[^1];
        session.Events += piece.Events;
        session.Errored |= piece.Errored;
        session.ScenesOpened += piece.ScenesOpened;
        session.ScenesCompleted += piece.ScenesCompleted;
        session.MindblockSignals += piece.MindblockSignals;
        session.LastSceneOrder = Math.Max(session.LastSceneOrder, piece.LastSceneOrder);
        session.ResistanceSum += piece.ResistanceSum;
        session.ResistanceCount += piece.ResistanceCount;
        session.IntensitySum += piece.IntensitySum;
        session.IntensityCount += piece.IntensityCount;
        if (piece.End is { } end && (session.End is null || end > session.End))
        {
            session.End = end;
        }
    }

    /// <summary>Adds the sessions of <paramref name="other"/>, all begun after those here.</summary>
    public void Append(SessionPieces other) => _sessions.AddRange(other._sessions);

    /// <summary>Attaches each session's mindblock signals (given in time order), kept in one array in that order.</summary>
    public void Attach(List<(Guid Session, Guid Mindblock, int Intensity)> signals)
    {
        var index = new Dictionary<Guid, int>(_sessions.Count);
        for (var k = 0; k < _sessions.Count; k++)
        {
            index[_sessions[k].Id] = k;
        }

        var sessionOf = new int[signals.Count];
        var first = new int[_sessions.Count + 1];
        for (var i = 0; i < signals.Count; i++)
        {
            sessionOf[i] = index.TryGetValue(signals[i].Session, out var k) ? k : -1;
            if (sessionOf[i] >= 0)
            {
                first[k + 1]++;
            }
        }

        for (var k = 0; k < _sessions.Count; k++)
        {
            first[k + 1] += first[k];
        }

        _signals = new (Guid, int)[first[^1]];
        var next = first[..^1];
        for (var i = 0; i < signals.Count; i++)
        {
            if (sessionOf[i] >= 0)
            {
                _signals[next[sessionOf[i]]++] = (signals[i].Mindblock, signals[i].Intensity);
            }
        }

        var span = CollectionsMarshal.AsSpan(_sessions);
        for (var k = 0; k < span.Length; k++)
        {
            (span[k].SignalsFrom, span[k].SignalCount) = (first[k], first[k + 1] - first[k]);
        }
    }

    /// <summary>The sessions of sim users, in order of their start.</summary>
    public List<SessionFact> Of(IReadOnlyDictionary<Guid, UserFact> users)
    {
        var sessions = new List<SessionFact>(_sessions.Count);
        foreach (var s in _sessions)
        {
            if (users.ContainsKey(s.User))
            {
                sessions.Add(new SessionFact(
                    s.User, new DateTimeOffset(s.Start), s.Events, s.Errored, s.ScenesOpened, s.ScenesCompleted, s.MindblockSignals, s.Instance == Guid.Empty ? null : s.Instance,
                    s.LastSceneOrder, s.ResistanceSum, s.ResistanceCount, s.IntensitySum, s.IntensityCount, s.SignalCount == 0 ? [] : new ArraySegment<(Guid, int)>(_signals, s.SignalsFrom, s.SignalCount),
                    s.End is { } end ? new DateTimeOffset(end) : null));
            }
        }

        return sessions;
    }

    public struct Piece
    {
        public Guid Id;
        public Guid User;
        public Guid Instance;
        public DateTime Start;
        public int Events;
        public bool Errored;
        public int ScenesOpened;
        public int ScenesCompleted;
        public int MindblockSignals;
        public int LastSceneOrder;
        public int ResistanceSum;
        public int ResistanceCount;
        public int IntensitySum;
        public int IntensityCount;

        /// <summary>The latest of the pieces' last events (null where none records it).</summary>
        public DateTime? End;
        public int SignalsFrom;
        public int SignalCount;
    }
}
