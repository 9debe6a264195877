using System.Text.Json;
using SyntheticsFunctions.LocalHost;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>
/// infra/app/postgres-rules.bicep evaluated by the Bicep CLI itself: a .bicepparam imports its
/// functions and `bicep build-params` computes them, so these are the numbers ARM will see.
/// </summary>
public class PostgresRulesTests
{
    [Theory]
    // B1ms: 50 - 15 (Azure) = 35 user connections, 5 reserved, 30 for the app.
    [InlineData(50, 5, 3, 3, 0, 35, 30, 9, 3, 27, true)]
    [InlineData(50, 5, 10, 3, 0, 35, 30, 30, 1, 30, true)]
    [InlineData(50, 5, 11, 3, 0, 35, 30, 33, 0, 0, false)]
    [InlineData(50, 5, 3, 3, 4, 35, 30, 9, 4, 36, false)]
    [InlineData(50, 5, 3, 3, 2, 35, 30, 9, 2, 18, true)]
    // The old template: 40 instances (of each of 3 groups) at Npgsql's default pool of 100.
    [InlineData(50, 5, 40, 3, 100, 35, 30, 120, 100, 12000, false)]
    // Larger servers: capped at 10 per instance, or shared out below that.
    [InlineData(429, 5, 3, 3, 0, 414, 409, 9, 10, 90, true)]
    [InlineData(1718, 5, 100, 3, 0, 1703, 1698, 300, 5, 1500, true)]
    public void The_pool_size_is_the_app_connections_shared_over_all_instances(
        int maxConnections, int reserved, int maximumInstanceCount, int scaleGroups, int requested,
        int userConnections, int appConnections, int instances, int poolSize, int peak, bool fits)
    {
        var budget = Evaluate($"connectionBudgetOf({maxConnections}, {reserved}, {maximumInstanceCount}, {scaleGroups}, {requested}, 10)");

        Assert.Equal(userConnections, budget.GetProperty("userConnections").GetInt32());
        Assert.Equal(reserved, budget.GetProperty("reservedConnections").GetInt32());
        Assert.Equal(appConnections, budget.GetProperty("appConnections").GetInt32());
        Assert.Equal(instances, budget.GetProperty("instances").GetInt32());
        Assert.Equal(poolSize, budget.GetProperty("poolSize").GetInt32());
        Assert.Equal(peak, budget.GetProperty("peakConnections").GetInt32());
        Assert.Equal(fits, budget.GetProperty("fits").GetBoolean());
    }

    [Fact]
    public void The_defaults_give_each_instance_a_pool_of_2_on_the_burstable_server()
    {
        var template = InfrastructureTests.CompiledTemplate();
        var parameters = template.GetProperty("parameters");
        // The template's own count: the HTTP group and one per timer function (checked below).
        var groups = template.GetProperty("variables").GetProperty("functionScaleGroups").GetInt32();

        var budget = Evaluate($"connectionBudgetOf(serverMaxConnections.Standard_B1ms, 5, 3, {groups}, 0, 10)");

        Assert.Equal(3, parameters.GetProperty("maximumInstanceCount").GetProperty("defaultValue").GetInt32());
        Assert.Equal("Standard_B1ms", parameters.GetProperty("postgresSkuName").GetProperty("defaultValue").GetString());
        Assert.Equal(5, parameters.GetProperty("postgresReservedConnections").GetProperty("defaultValue").GetInt32());
        Assert.Equal(0, parameters.GetProperty("postgresPoolSize").GetProperty("defaultValue").GetInt32());
        Assert.Equal(4, groups);
        Assert.Equal(2, budget.GetProperty("poolSize").GetInt32());
        Assert.Equal(24, budget.GetProperty("peakConnections").GetInt32());
    }

    [Fact]
    public void The_scale_groups_counted_are_the_http_group_and_one_per_timer_function()
    {
        var functions = FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly);
        var groups = (functions.Any(f => f.Http is not null) ? 1 : 0) + functions.Count(f => f.Http is null);

        var variables = InfrastructureTests.CompiledTemplate().GetProperty("variables");

        Assert.Equal(groups, variables.GetProperty("functionScaleGroups").GetInt32());
        Assert.Equal(10, variables.GetProperty("maxPoolSize").GetInt32());
    }

    [Fact]
    public void Provisioning_fails_when_the_pools_do_not_fit_and_the_pool_size_goes_into_the_connection_string()
    {
        var template = InfrastructureTests.CompiledTemplate();
        var poolSize = template.GetProperty("variables").GetProperty("postgresMaxPoolSize").GetString()!;
        var connectionString = InfrastructureTests.AppSettings()["ConnectionStrings__Synthetics"];

        Assert.StartsWith("[if(variables('connections').fits, variables('connections').poolSize, fail(format('PostgreSQL {0} takes {1} app connections", poolSize, StringComparison.Ordinal);
        Assert.Contains("Lower maximumInstanceCount or postgresPoolSize, or choose a larger postgresSkuName.", poolSize, StringComparison.Ordinal);
        Assert.Equal("[format('Host={0};Port=5432;Database={1};Username={2};Ssl Mode=Require;Maximum Pool Size={3};Timeout={4}', parameters('postgresHost'), parameters('postgresDatabaseName'), parameters('identityName'), parameters('postgresMaxPoolSize'), parameters('postgresConnectTimeoutSeconds'))]", connectionString);
        Assert.Equal("[variables('postgresMaxPoolSize')]", InfrastructureTests.ModuleParameter("api", "postgresMaxPoolSize"));
        Assert.Equal("[parameters('maximumInstanceCount')]", InfrastructureTests.ModuleParameter("api", "maximumInstanceCount"));
    }

    [Theory]
    [InlineData("User", "", "dev@contoso.example", "dev@contoso.example", "")]
    [InlineData("User", "dba@contoso.example", "dev@contoso.example", "dba@contoso.example", "")]
    [InlineData("ServicePrincipal", "sp-synthetics-ci", "", "sp-synthetics-ci", "")]
    [InlineData("ServicePrincipal", "", "", "", "The PostgreSQL Entra administrator needs a login name: a ServicePrincipal has no user principal name. Set POSTGRES_ADMIN_NAME (azd env set POSTGRES_ADMIN_NAME <display name>) to the ServicePrincipal's display name.")]
    [InlineData("Group", "", "", "", "The PostgreSQL Entra administrator needs a login name: a Group has no user principal name. Set POSTGRES_ADMIN_NAME (azd env set POSTGRES_ADMIN_NAME <display name>) to the Group's display name.")]
    public void The_administrator_is_the_deploying_user_by_upn_and_a_service_principal_by_the_name_given(
        string type, string name, string deployerUpn, string expectedName, string problem)
    {
        var administrator = Evaluate($"administratorOf('{type}', '{name}', '{deployerUpn}')");

        Assert.Equal(expectedName, administrator.GetProperty("name").GetString());
        Assert.Equal(type, administrator.GetProperty("type").GetString());
        Assert.Equal(problem, administrator.GetProperty("problem").GetString());
    }

    [Fact]
    public void Main_fails_with_the_administrator_problem_and_passes_the_principal_type_to_postgres_and_storage()
    {
        var variables = InfrastructureTests.CompiledTemplate().GetProperty("variables");

        Assert.Equal("[if(empty(variables('administrator').problem), variables('administrator').name, fail(variables('administrator').problem))]", variables.GetProperty("postgresAdminName").GetString());
        Assert.Equal("[__bicep.administratorOf(parameters('principalType'), parameters('principalName'), coalesce(tryGet(deployer(), 'userPrincipalName'), ''))]", variables.GetProperty("administrator").GetString());
        Assert.Equal("[parameters('principalType')]", InfrastructureTests.ModuleParameter("postgres", "administratorPrincipalType"));
        Assert.Equal("[variables('postgresAdminName')]", InfrastructureTests.ModuleParameter("postgres", "administratorPrincipalName"));
        Assert.Equal("[parameters('principalType')]", InfrastructureTests.ModuleParameter("rbac", "userPrincipalType"));
    }

    /// <summary>One expression over postgres-rules.bicep, computed by `bicep build-params`.</summary>
    private static JsonElement Evaluate(string expression)
    {
        var directory = Directory.CreateTempSubdirectory("synthetics-bicepparam-").FullName;
        try
        {
            var rules = Path.GetRelativePath(directory, Path.Combine(LocalHostTests.RepoRoot(), "infra", "app", "postgres-rules.bicep")).Replace('\\', '/');
            var file = Path.Combine(directory, "rules.bicepparam");
            File.WriteAllText(file, $"using none\nimport * as rules from '{rules}'\nparam result = rules.{expression.Replace("serverMaxConnections", "rules.serverMaxConnections")}\n");

            var built = JsonDocument.Parse(InfrastructureTests.Bicep("build-params", file, "--stdout"));
            using var parameters = JsonDocument.Parse(built.RootElement.GetProperty("parametersJson").GetString()!);
            return parameters.RootElement.GetProperty("parameters").GetProperty("result").GetProperty("value").Clone();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
