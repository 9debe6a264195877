namespace SyntheticsFunctions.Configuration;

/// <summary>How the app signs in to Postgres (section <c>Synthetics:Postgres</c>).</summary>
public sealed class PostgresAuthOptions
{
    public const string Section = "Synthetics:Postgres";

    /// <summary>The scope of Azure Database for PostgreSQL tokens.</summary>
    public const string TokenScope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>
    /// Sign in with a Microsoft Entra token instead of a password (Azure Database for PostgreSQL).
    /// The default value is <c>false</c>: a plain connection string, as locally.
    /// </summary>
    public bool UseEntraAuth { get; set; }

    /// <summary>
    /// Client id of the user-assigned managed identity to get tokens for (set in Azure). The default
    /// value is empty: the developer tools' sign-ins (<see cref="PostgresCredentialFactory"/>).
    /// </summary>
    public string ManagedIdentityClientId { get; set; } = "";
}
