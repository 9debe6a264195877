using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Studio;

namespace SyntheticsFunctions.Functions;

/// <summary>
/// The Studio control panel at <c>/api/synthetics/studio</c>. Anonymous, because it is only a
/// page: every API call it makes carries the function key the user gives it.
/// </summary>
public sealed class StudioFunction
{
    [Function(nameof(Studio))]
    public IResult Studio(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synthetics/studio")] HttpRequest request) =>
        StudioPage.Result();

    /// <summary>The OpenAPI 3.0 document of the whole API, derived from the functions and their records. Anonymous: it holds no data.</summary>
    [Function(nameof(OpenApiDocument))]
    public IResult OpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synthetics/openapi.json")] HttpRequest request) =>
        Results.Text(OpenApi.Document(typeof(StudioFunction).Assembly).ToJsonString() + "\n", "application/json");
}
