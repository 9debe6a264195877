using Azure.Core;
using Azure.Identity;
using Moq;
using SyntheticsFunctions.Configuration;

namespace SyntheticsFunctions.Tests.Configuration;

public class PostgresCredentialFactoryTests
{
    [Fact]
    public void With_a_client_id_only_that_managed_identity_is_used()
    {
        var managed = new Mock<TokenCredential>(MockBehavior.Strict).Object;
        var developer = new Mock<TokenCredential>(MockBehavior.Strict).Object;
        string? asked = null;

        var credential = PostgresCredentialFactory.Create(
            new PostgresAuthOptions { UseEntraAuth = true, ManagedIdentityClientId = " 2f1c6e0a-5b7d-4c1e-9a61-0c3b8f6f2d11 " },
            clientId => { asked = clientId; return managed; },
            () => developer);

        Assert.Same(managed, credential);
        Assert.Equal("2f1c6e0a-5b7d-4c1e-9a61-0c3b8f6f2d11", asked);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_a_client_id_the_developer_chain_is_used(string clientId)
    {
        var managed = new Mock<TokenCredential>(MockBehavior.Strict).Object;
        var developer = new Mock<TokenCredential>(MockBehavior.Strict).Object;

        var credential = PostgresCredentialFactory.Create(
            new PostgresAuthOptions { UseEntraAuth = true, ManagedIdentityClientId = clientId },
            _ => managed,
            () => developer);

        Assert.Same(developer, credential);
    }

    [Fact]
    public void The_real_credentials_are_a_managed_identity_in_azure_and_a_chain_locally()
    {
        var inAzure = PostgresCredentialFactory.Create(new PostgresAuthOptions { ManagedIdentityClientId = "2f1c6e0a-5b7d-4c1e-9a61-0c3b8f6f2d11" });
        var locally = PostgresCredentialFactory.Create(new PostgresAuthOptions());

        Assert.IsType<ManagedIdentityCredential>(inAzure);
        Assert.IsType<ChainedTokenCredential>(locally);
    }
}
