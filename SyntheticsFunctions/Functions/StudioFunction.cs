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
}
