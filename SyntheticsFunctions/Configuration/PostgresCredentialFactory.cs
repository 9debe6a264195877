using Azure.Core;
using Azure.Identity;

namespace SyntheticsFunctions.Configuration;

/// <summary>
/// The credential whose tokens sign the app in to PostgreSQL (and Application Insights). One
/// switch, <see cref="PostgresAuthOptions.ManagedIdentityClientId"/>: set (the Bicep sets it in
/// Azure), only that user-assigned managed identity, with no fallback that could pick up another
/// identity or wait on probes; empty (a developer's machine), the developer tools' sign-ins in turn:
/// Azure Developer CLI, Azure CLI, Visual Studio, Azure PowerShell.
/// </summary>
public static class PostgresCredentialFactory
{
    public static TokenCredential Create(PostgresAuthOptions options) =>
        Create(
            options,
            clientId => new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId)),
            () => new ChainedTokenCredential(
                new AzureDeveloperCliCredential(),
                new AzureCliCredential(),
                new VisualStudioCredential(),
                new AzurePowerShellCredential()));

    /// <summary>The switch itself, with the credentials to choose from given: the tests pass fakes.</summary>
    internal static TokenCredential Create(PostgresAuthOptions options, Func<string, TokenCredential> managedIdentity, Func<TokenCredential> developer) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? developer()
            : managedIdentity(options.ManagedIdentityClientId.Trim());
}
