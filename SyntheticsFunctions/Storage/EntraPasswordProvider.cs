using Azure.Core;
using Npgsql;
using SyntheticsFunctions.Configuration;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// Passwordless Postgres: Npgsql's periodic password provider asks Azure.Identity for a token of
/// the Azure Database for PostgreSQL scope, and uses it as the password of new physical connections.
/// </summary>
public static class EntraPasswordProvider
{
    /// <summary>Tokens live about an hour; refreshing well before keeps new connections working.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(45);

    public static readonly TimeSpan FailureRetryInterval = TimeSpan.FromSeconds(10);

    public static void Use(NpgsqlDataSourceBuilder builder, TokenCredential credential) =>
        builder.UsePeriodicPasswordProvider(
            async (_, cancellationToken) =>
            {
                var token = await credential.GetTokenAsync(new TokenRequestContext([PostgresAuthOptions.TokenScope]), cancellationToken);
                return token.Token;
            },
            RefreshInterval,
            FailureRetryInterval);
}
