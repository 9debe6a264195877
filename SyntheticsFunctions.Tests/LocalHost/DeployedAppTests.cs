using System.Text.Json;
using SyntheticsFunctions.LocalHost;

namespace SyntheticsFunctions.Tests.LocalHost;

/// <summary>The app deployed to Azure carries neither the local host nor what only it needs.</summary>
public class DeployedAppTests
{
    [Fact]
    public void The_app_assembly_has_no_local_host_type_and_does_not_reference_ncrontab()
    {
        var app = LocalFunctionsHost.AppAssembly;

        Assert.Equal("SyntheticsFunctions", app.GetName().Name);
        Assert.Empty(app.GetTypes().Where(t => t.Namespace?.StartsWith("SyntheticsFunctions.LocalHost", StringComparison.Ordinal) == true).Select(t => t.FullName));
        Assert.DoesNotContain(app.GetReferencedAssemblies(), a => a.Name!.StartsWith("NCrontab", StringComparison.Ordinal) || a.Name == "SyntheticsFunctions.LocalHost");
        Assert.NotEqual(app, typeof(LocalFunctionsHost).Assembly);
    }

    [Fact]
    public void The_apps_dependency_manifest_lists_neither_the_local_host_nor_ncrontab()
    {
        // What `dotnet publish SyntheticsFunctions` ships is resolved from this manifest.
        var path = Path.Combine(LocalHostTests.RepoRoot(), "SyntheticsFunctions", "bin", LocalHostTests.BuildConfiguration(), "net10.0", "SyntheticsFunctions.deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllText(path));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name).ToList();

        Assert.Contains(libraries, l => l.StartsWith("Npgsql/", StringComparison.Ordinal));
        Assert.DoesNotContain(libraries, l => l.StartsWith("NCrontab", StringComparison.OrdinalIgnoreCase) || l.StartsWith("SyntheticsFunctions.LocalHost/", StringComparison.Ordinal));
    }
}
