using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>
/// The azd hooks, bash and PowerShell 7 (the pinned .NET tool), run for real against the test
/// Postgres: a stand-in for Azure's pgaadauth_create_principal, a stand-in azd that hands out
/// tokens, a stand-in Azure Resource Manager for the firewall rule, and a psql wrapper that logs
/// every call before running the real psql. Both shells must send the same.
/// </summary>
[LongRunning(165)]
public partial class HookTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly Lazy<string> PowerShell = new(RestorePowerShell);

    [Fact]
    public async Task Both_shells_create_the_app_role_migrate_and_grant_with_the_same_sql_and_firewall_calls()
    {
        var bash = await RunHooksAsync(Shell.Bash);
        var pwsh = await RunHooksAsync(Shell.PowerShell);

        await using (bash.Scenario)
        await using (pwsh.Scenario)
        {
            foreach (var run in new[] { bash, pwsh })
            {
                Assert.Equal(1, await Db.ScalarAsync(postgres.Server.AdminConnectionString, $"SELECT count(*) FROM pg_roles WHERE rolname = '{run.Scenario.AppRole}' AND rolcanlogin AND NOT rolsuper"));
                Assert.Equal(1, await Db.ScalarAsync(run.Scenario.AdminConnectionString, $"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'synthetic_runs' AND has_table_privilege('{run.Scenario.AppRole}', 'public.synthetic_runs', 'SELECT, INSERT, UPDATE, DELETE')"));
                Assert.Equal(0, await Db.ScalarAsync(run.Scenario.AdminConnectionString, $"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND has_table_privilege('{run.Scenario.AppRole}', schemaname || '.' || tablename, 'TRUNCATE')"));
                Assert.Empty(run.Scenario.Arm.Rules);
            }
        }

        Assert.Equal(
            [
                "postprovision: PUT /subscriptions/sub-1/resourceGroups/rg-test/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-test/firewallRules/postprovision-*?api-version=2024-08-01 {\"properties\":{\"startIpAddress\":\"203.0.113.7\",\"endIpAddress\":\"203.0.113.7\"}}",
                "postprovision: GET /subscriptions/sub-1/resourceGroups/rg-test/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-test/firewallRules/postprovision-*?api-version=2024-08-01 ",
                "postprovision: DELETE /subscriptions/sub-1/resourceGroups/rg-test/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-test/firewallRules/postprovision-*?api-version=2024-08-01 ",
                "postprovision: GET /subscriptions/sub-1/resourceGroups/rg-test/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-test/firewallRules/postprovision-*?api-version=2024-08-01 ",
                "predeploy: PUT /subscriptions/sub-1/resourceGroups/rg-test/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-test/firewallRules/predeploy-*?api-version=2024-08-01 {\"properties\":{\"startIpAddress\":\"203.0.113.7\",\"endIpAddress\":\"203.0.113.7\"}}",
                "predeploy: GET /subscriptions/sub-1/resourceGroups/rg-test/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-test/firewallRules/predeploy-*?api-version=2024-08-01 ",
                "predeploy: DELETE /subscriptions/sub-1/resourceGroups/rg-test/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-test/firewallRules/predeploy-*?api-version=2024-08-01 ",
                "predeploy: GET /subscriptions/sub-1/resourceGroups/rg-test/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-test/firewallRules/predeploy-*?api-version=2024-08-01 ",
            ],
            bash.ArmRequests);
        Assert.Equal(bash.ArmRequests, pwsh.ArmRequests);
        Assert.Equal(
            [
                "postprovision: auth token --scope https://management.azure.com/.default --tenant-id tenant-1 --output json",
                "postprovision: auth token --scope https://ossrdbms-aad.database.windows.net/.default --tenant-id tenant-1 --output json",
                "predeploy: auth token --scope https://management.azure.com/.default --tenant-id tenant-1 --output json",
                "predeploy: auth token --scope https://ossrdbms-aad.database.windows.net/.default --tenant-id tenant-1 --output json",
            ],
            bash.AzdCalls);
        Assert.Equal(bash.AzdCalls, pwsh.AzdCalls);
        Assert.Equal(
            [
                "postprovision: user=<admin> sslmode=disable password=pg-token --no-psqlrc --quiet --dbname=postgres --tuples-only --command=SELECT 1",
                "postprovision: user=<admin> sslmode=disable password=pg-token --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname=postgres --set=app_role=<app> --file=scripts/sql/create-app-role.sql",
                "predeploy: user=<admin> sslmode=disable password=pg-token --no-psqlrc --quiet --dbname=postgres --tuples-only --command=SELECT 1",
                "predeploy: user=<admin> sslmode=disable password=pg-token --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname=<db> --set=app_role=<app> --set=db_name=<db> --file=scripts/sql/grant-app-role.sql",
            ],
            bash.PsqlCalls);
        Assert.Equal(bash.PsqlCalls, pwsh.PsqlCalls);
    }

    [Theory]
    [InlineData(Shell.Bash)]
    [InlineData(Shell.PowerShell)]
    public async Task A_failed_migration_stops_the_predeploy_hook_before_the_grants_and_still_removes_the_firewall_rule(Shell shell)
    {
        await using var scenario = await Scenario.CreateAsync(postgres.Server);
        scenario.Environment["POSTGRES_DATABASE"] = "no_such_database";

        var result = Run(shell, "predeploy", scenario);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no_such_database", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.PsqlCalls(), call => call.Contains("grant-app-role.sql", StringComparison.Ordinal));
        Assert.Equal(["PUT", "GET", "DELETE", "GET"], scenario.Arm.Requests.Select(r => r.Split(' ')[0]));
        Assert.Empty(scenario.Arm.Rules);
    }

    [Theory]
    [InlineData(Shell.Bash)]
    [InlineData(Shell.PowerShell)]
    public async Task Without_an_azd_sign_in_the_hook_says_to_run_azd_auth_login_and_opens_nothing(Shell shell)
    {
        await using var scenario = await Scenario.CreateAsync(postgres.Server);
        scenario.Environment["FAKE_AZD_SIGNED_OUT"] = "1";

        var result = Run(shell, "postprovision", scenario);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("azd auth login --tenant-id tenant-1", result.Error, StringComparison.Ordinal);
        Assert.Empty(scenario.Arm.Requests);
    }

    public enum Shell
    {
        Bash,
        PowerShell,
    }

    private sealed record HookRun(Scenario Scenario, List<string> ArmRequests, List<string> AzdCalls, List<string> PsqlCalls);

    /// <summary>postprovision then predeploy, as `azd up` runs them.</summary>
    private async Task<HookRun> RunHooksAsync(Shell shell)
    {
        var scenario = await Scenario.CreateAsync(postgres.Server);
        var arm = new List<string>();
        foreach (var hook in new[] { "postprovision", "predeploy" })
        {
            var result = Run(shell, hook, scenario);
            Assert.True(result.ExitCode == 0, $"{shell} {hook} exited {result.ExitCode}: {result.Error}");
            arm.AddRange(scenario.Arm.Requests.Skip(arm.Count).Select(r => $"{hook}: {RuleTimestamp().Replace(r, "$1-*")}"));
        }

        return new HookRun(scenario, arm, scenario.AzdCalls(), scenario.PsqlCalls());
    }

    private static ProcessRunner.Result Run(Shell shell, string hook, Scenario scenario)
    {
        var root = LocalHostTests.RepoRoot();
        var start = shell == Shell.Bash
            ? new ProcessStartInfo("bash") { ArgumentList = { Path.Combine(root, "scripts", hook + ".sh") } }
            : new ProcessStartInfo("dotnet") { ArgumentList = { "tool", "run", PowerShell.Value, "-NoProfile", "-NonInteractive", "-File", Path.Combine(root, "scripts", hook + ".ps1") } };
        start.WorkingDirectory = root;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        // The test host's MSBuild variables would steer the hook's own dotnet publish.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in scenario.Environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["HOOK_LOG_PREFIX"] = hook;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new ProcessRunner.Result(process.ExitCode, output.Result, error);
    }

    /// <summary>The PowerShell .NET tool pinned in dotnet-tools.json, restored as scripts/test.sh does; run with `dotnet tool run`.</summary>
    private static string RestorePowerShell()
    {
        var root = LocalHostTests.RepoRoot();
        var restore = ProcessRunner.Run("dotnet", ["tool", "restore", "--tool-manifest", Path.Combine(root, "dotnet-tools.json")], root);
        Assert.True(restore.ExitCode == 0, restore.Output + restore.Error);
        var version = ProcessRunner.Run("dotnet", ["tool", "run", "pwsh", "-NoProfile", "-Command", "$PSVersionTable.PSVersion.ToString()"], root);
        Assert.Equal("7.6.9", version.Output.Trim());
        return "pwsh";
    }

    private static string WriteExecutable(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }

    [GeneratedRegex(@"(postprovision|predeploy)-\d{14}")]
    private static partial Regex RuleTimestamp();

    /// <summary>One database, administrator and app role of their own, the stand-ins and their logs.</summary>
    private sealed class Scenario : IAsyncDisposable
    {
        private readonly string _directory;

        private Scenario(string directory, FakeArm arm, string adminConnectionString, string adminName, string appRole, string database)
        {
            _directory = directory;
            Arm = arm;
            AdminConnectionString = adminConnectionString;
            AdminName = adminName;
            AppRole = appRole;
            Database = database;
        }

        public FakeArm Arm { get; }

        public string AdminConnectionString { get; }

        public string AdminName { get; }

        public string AppRole { get; }

        public string Database { get; }

        public Dictionary<string, string> Environment { get; } = [];

        public static async Task<Scenario> CreateAsync(PostgresServer server)
        {
            var id = Guid.NewGuid().ToString("N")[..10];
            var admin = $"deployer-{id}@contoso.example";
            var appRole = $"id-api-{id}";
            var database = $"hooks_{id}";
            // The Entra administrator of Azure is no superuser: it may create roles and owns the database.
            await Db.ExecuteAsync(server.AdminConnectionString, $"CREATE ROLE \"{admin}\" LOGIN CREATEROLE");
            await Db.ExecuteAsync(server.AdminConnectionString, $"CREATE DATABASE {database} OWNER \"{admin}\"");
            // Azure's pgaadauth_create_principal lives in the postgres database; the stand-in sits in a
            // schema named after this administrator, which its search_path ("$user") finds first and
            // no other test's session sees.
            await Db.ExecuteAsync(server.AdminConnectionString, $"""
                CREATE SCHEMA "{admin}" AUTHORIZATION "{admin}";
                CREATE FUNCTION "{admin}".pgaadauth_create_principal(rolename text, isadmin boolean, ismfa boolean) RETURNS text
                LANGUAGE plpgsql SECURITY INVOKER AS $$
                BEGIN
                    EXECUTE format('CREATE ROLE %I LOGIN', rolename);
                    RETURN format('Created role for "%s"', rolename);
                END $$;
                ALTER FUNCTION "{admin}".pgaadauth_create_principal(text, boolean, boolean) OWNER TO "{admin}";
                """);

            var directory = Path.Combine(Path.GetTempPath(), "synthetics-hooks-" + id);
            var bin = Directory.CreateDirectory(Path.Combine(directory, "bin")).FullName;
            WriteExecutable(Path.Combine(bin, "azd"), """
                #!/bin/sh
                printf '%s: %s\n' "$HOOK_LOG_PREFIX" "$*" >> "$FAKE_AZD_LOG"
                if [ "$1 $2" = "auth token" ]; then
                  if [ -n "$FAKE_AZD_SIGNED_OUT" ]; then
                    echo 'ERROR: not logged in, run `azd auth login` to login' >&2
                    exit 1
                  fi
                  case "$4" in
                    https://management.azure.com/.default) token=arm-token ;;
                    https://ossrdbms-aad.database.windows.net/.default) token=pg-token ;;
                    *) exit 3 ;;
                  esac
                  printf '{"token":"%s","expiresOn":"2030-01-01T00:00:00Z"}\n' "$token"
                  exit 0
                fi
                exit 2
                """.Replace("\r", ""));
            WriteExecutable(Path.Combine(bin, "psql"), """
                #!/bin/sh
                printf '%s: user=%s sslmode=%s password=%s %s\n' "$HOOK_LOG_PREFIX" "$PGUSER" "$PGSSLMODE" "$PGPASSWORD" "$*" >> "$FAKE_PSQL_LOG"
                exec "$REAL_PSQL" "$@"
                """.Replace("\r", ""));

            var arm = FakeArm.Start();
            var scenario = new Scenario(
                directory, arm,
                new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = database, Username = admin, Pooling = false }.ConnectionString,
                admin, appRole, database);
            var connection = new NpgsqlConnectionStringBuilder(server.AdminConnectionString);
            foreach (var (name, value) in new Dictionary<string, string>
            {
                ["PATH"] = bin + ":" + System.Environment.GetEnvironmentVariable("PATH"),
                ["REAL_PSQL"] = Which("psql"),
                ["FAKE_AZD_LOG"] = Path.Combine(directory, "azd.log"),
                ["FAKE_PSQL_LOG"] = Path.Combine(directory, "psql.log"),
                ["AZURE_ARM_ENDPOINT"] = arm.Endpoint,
                ["NO_PROXY"] = "127.0.0.1,localhost",
                ["AZURE_SUBSCRIPTION_ID"] = "sub-1",
                ["AZURE_TENANT_ID"] = "tenant-1",
                ["AZURE_RESOURCE_GROUP"] = "rg-test",
                ["POSTGRES_SERVER_NAME"] = "psql-test",
                ["POSTGRES_HOST"] = connection.Host!,
                ["POSTGRES_PORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["POSTGRES_DATABASE"] = database,
                ["POSTGRES_ADMIN_NAME"] = admin,
                ["AZURE_PRINCIPAL_NAME"] = appRole,
                ["POSTGRES_CLIENT_IP"] = "203.0.113.7",
                ["PGSSLMODE"] = "disable",
                ["FAKE_AZD_SIGNED_OUT"] = "",
            })
            {
                scenario.Environment[name] = value;
            }

            return scenario;
        }

        public List<string> AzdCalls() => ReadLog("azd.log");

        public List<string> PsqlCalls() => ReadLog("psql.log");

        public ValueTask DisposeAsync()
        {
            Arm.Dispose();
            Directory.Delete(_directory, recursive: true);
            return ValueTask.CompletedTask;
        }

        private List<string> ReadLog(string name)
        {
            var path = Path.Combine(_directory, name);
            return File.Exists(path)
                ? File.ReadAllLines(path).Select(l => l.Replace(AdminName, "<admin>").Replace(AppRole, "<app>").Replace(Database, "<db>")).ToList()
                : [];
        }

        private static string Which(string tool) =>
            (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).First(File.Exists);
    }

    /// <summary>Azure Resource Manager for firewall rules: PUT creates, GET answers 200 or 404, DELETE removes.</summary>
    private sealed class FakeArm : IDisposable
    {
        private readonly HttpListener _listener;
        private readonly Task _loop;

        private FakeArm(HttpListener listener, string endpoint)
        {
            _listener = listener;
            Endpoint = endpoint;
            _loop = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public List<string> Requests { get; } = [];

        public HashSet<string> Rules { get; } = [];

        public static FakeArm Start()
        {
            var endpoint = $"http://127.0.0.1:{PostgresServer.FreePort()}";
            var listener = new HttpListener { Prefixes = { endpoint + "/" } };
            listener.Start();
            return new FakeArm(listener, endpoint);
        }

        public void Dispose()
        {
            _listener.Close();
            try
            {
                _loop.Wait();
            }
            catch (AggregateException)
            {
                // The loop ends with the listener.
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                var path = context.Request.Url!.PathAndQuery;
                var rule = context.Request.Url.AbsolutePath;
                lock (Requests)
                {
                    Requests.Add($"{context.Request.HttpMethod} {path} {body}");
                }

                context.Response.StatusCode = context.Request.Headers["Authorization"] != "Bearer arm-token"
                    ? 401
                    : context.Request.HttpMethod switch
                    {
                        "PUT" => Rules.Add(rule) ? 201 : 200,
                        "GET" => Rules.Contains(rule) ? 200 : 404,
                        "DELETE" => Rules.Remove(rule) ? 200 : 204,
                        _ => 405,
                    };
                context.Response.Close();
            }
        }
    }
}
