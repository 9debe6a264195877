using Npgsql;
using SyntheticsFunctions.Hosting;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Hosting;

/// <summary>What the app adds to the connection string it is given.</summary>
public class ConnectionDefaultsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData("", 1)]
    [InlineData(";Max Auto Prepare=0", 0)]
    [InlineData(";MaxAutoPrepare=0", 0)]
    public async Task The_statements_cron_ticks_repeat_are_prepared_once_per_connection_unless_the_connection_string_says(string given, long prepared)
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.CreateAsync(database + given);
        for (var tick = 0; tick < 8; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
        }

        // On one of the app's connections, a statement run as often as a tick runs its own: from
        // the 5th use (Npgsql's default) the session holds it prepared.
        await using var connection = await app.DataSource.OpenConnectionAsync();
        for (var use = 0; use < 6; use++)
        {
            await using var repeated = new NpgsqlCommand("SELECT sessions_per_min FROM synthetic_settings WHERE id = 1", connection);
            await repeated.ExecuteScalarAsync();
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT sessions_per_min FROM synthetic_settings WHERE id = 1'", connection);
        Assert.Equal(prepared, (long)(await count.ExecuteScalarAsync())!);
        Assert.Equal(prepared == 0 ? 0 : SyntheticsServiceCollectionExtensions.DefaultMaxAutoPrepare, new NpgsqlConnectionStringBuilder(app.DataSource.ConnectionString).MaxAutoPrepare);
    }
}
