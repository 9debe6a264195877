using Moq;
using Npgsql;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions.Tests.Functions;

/// <summary><c>GET synthetics/realism</c>: the window's validation (a strict mock: a bad window reaches the check only as an out-of-range integer, which the check refuses with the range in force), the retention bound, a database that is down.</summary>
public class RealismFunctionsTests
{
    private readonly Mock<IRealismService> _realism = new(MockBehavior.Strict);

    [Theory]
    [InlineData("?days=0")]
    [InlineData("?days=-1")]
    [InlineData("?days=abc")]
    [InlineData("?days=1.5")]
    [InlineData("?days=3651")]
    [InlineData("?days=")]
    [InlineData("?days=1&days=2")]
    public async Task A_bad_window_is_refused_naming_days_and_the_range_in_force(string query)
    {
        // Anything but one integer reaches the check as 0, which it refuses with retain_days in force.
        var asked = query == "?days=-1" || query == "?days=0" || query == "?days=abc" || query == "?days=1.5" || query == "?days=" || query == "?days=1&days=2" ? 0 : 3651;
        _realism.Setup(r => r.CheckAsync(asked, It.IsAny<CancellationToken>())).ReturnsAsync(new RealismCheck(asked, 45, null));

        var (status, contentType, body) = await CallAsync(query);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("days must be an integer from 1 to 45 (retain_days: older rows are not kept).", body.RootElement.GetProperty("errors").GetProperty("days")[0].GetString());
    }

    [Fact]
    public async Task A_window_longer_than_retain_days_is_refused_naming_days_and_the_bound()
    {
        _realism.Setup(r => r.CheckAsync(46, It.IsAny<CancellationToken>())).ReturnsAsync(new RealismCheck(46, 45, null));

        var (status, _, body) = await CallAsync("?days=46");

        Assert.Equal(400, status);
        Assert.Equal("days must be an integer from 1 to 45 (retain_days: older rows are not kept).", body.RootElement.GetProperty("errors").GetProperty("days")[0].GetString());
    }

    [Fact]
    public async Task No_days_asks_for_the_default_window()
    {
        _realism.Setup(r => r.CheckAsync(null, It.IsAny<CancellationToken>())).ReturnsAsync(new RealismCheck(28, 45, null));

        await CallAsync("");

        _realism.Verify(r => r.CheckAsync(null, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_database_that_is_down_answers_503_with_the_fixed_message()
    {
        _realism.Setup(r => r.CheckAsync(7, It.IsAny<CancellationToken>())).ThrowsAsync(new NpgsqlException("connection refused"));

        var (status, _, body) = await CallAsync("?days=7");

        Assert.Equal(503, status);
        Assert.Equal(ApiResults.DatabaseUnavailable, body.RootElement.GetProperty("title").GetString());
        Assert.DoesNotContain("refused", body.RootElement.GetRawText());
    }

    private async Task<(int Status, string? ContentType, System.Text.Json.JsonDocument Body)> CallAsync(string query)
    {
        var context = RunFunctionTests.HttpContextFor("GET", query, null, "application/json");
        var result = await new RealismFunctions(_realism.Object).Realism(context.Request, CancellationToken.None);
        return await RunFunctionTests.ExecuteAsync(result, context);
    }
}
