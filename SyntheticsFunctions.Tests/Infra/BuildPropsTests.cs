using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>NuGet audit findings fail CI, never a deploy (Directory.Build.props).</summary>
public class BuildPropsTests
{
    private static readonly string[] AuditCodes = ["NU1901", "NU1902", "NU1903", "NU1904"];

    [Fact]
    public void Audit_findings_are_warnings_in_a_deploy_and_errors_where_ci_asks_for_them()
    {
        var deploy = WarningsNotAsErrors();
        var ci = WarningsNotAsErrors("-p:NuGetAuditFailsBuild=true");
        var testScript = File.ReadAllText(Path.Combine(LocalHostTests.RepoRoot(), "scripts", "test.sh"));

        Assert.Equal(AuditCodes, deploy.Intersect(AuditCodes));
        Assert.Empty(ci.Intersect(AuditCodes));
        Assert.Contains("-p:TreatWarningsAsErrors=true -p:NuGetAuditFailsBuild=true", testScript, StringComparison.Ordinal);
        Assert.Contains("scripts/test.sh", File.ReadAllText(Path.Combine(LocalHostTests.RepoRoot(), ".ci", "run")), StringComparison.Ordinal);
    }

    private static string[] WarningsNotAsErrors(params string[] properties)
    {
        var root = LocalHostTests.RepoRoot();
        var result = ProcessRunner.Run(
            "dotnet",
            ["msbuild", Path.Combine(root, "SyntheticsFunctions", "SyntheticsFunctions.csproj"), "-nologo", "-getProperty:WarningsNotAsErrors", "-getProperty:NuGetAudit", "-getProperty:TreatWarningsAsErrors", .. properties],
            root);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        using var json = System.Text.Json.JsonDocument.Parse(result.Output);
        var values = json.RootElement.GetProperty("Properties");
        Assert.Equal("true", values.GetProperty("NuGetAudit").GetString());
        Assert.Equal("true", values.GetProperty("TreatWarningsAsErrors").GetString());
        return values.GetProperty("WarningsNotAsErrors").GetString()!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
