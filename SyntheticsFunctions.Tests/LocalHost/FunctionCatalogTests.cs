using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.LocalHost;

namespace SyntheticsFunctions.Tests.LocalHost;

/// <summary>Discovery binds every parameter up front: one it cannot bind stops the local host at startup.</summary>
public class FunctionCatalogTests
{
    [Theory]
    [InlineData(typeof(TakesAService), "TakesAService", "options", "SyntheticsOptions")]
    [InlineData(typeof(TimerAsString), "TimerAsString", "timer", "String")]
    [InlineData(typeof(HttpAsString), "HttpAsString", "body", "String")]
    [InlineData(typeof(RouteValueAsObject), "RouteValueAsObject", "id", "Uri")]
    [InlineData(typeof(NotInTheRoute), "NotInTheRoute", "id", "String")]
    public void A_parameter_the_local_host_cannot_bind_fails_discovery_naming_function_and_parameter(Type type, string function, string parameter, string parameterType)
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionCatalog.Discover([type]));

        Assert.Contains($"Function {function} ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"parameter '{parameter}' of type {parameterType}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_parameters_the_worker_binds_for_http_and_timer_triggers_are_accepted()
    {
        var functions = FunctionCatalog.Discover([typeof(Bindable)]);

        Assert.Equal(["BindableHttp", "BindableTimer"], functions.Select(f => f.Name).Order());
    }

    [Fact]
    public void Every_function_of_the_app_binds_and_has_a_trigger_the_local_host_serves()
    {
        var functions = FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly);

        Assert.NotEmpty(functions);
        Assert.All(functions, f => Assert.True(f.Http is not null || f.Timer is not null, f.Name));
    }

    public sealed class TakesAService
    {
        [Function(nameof(TakesAService))]
        public static void Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "a")] HttpRequest request, SyntheticsOptions options) =>
            _ = (request, options);
    }

    public sealed class TimerAsString
    {
        [Function(nameof(TimerAsString))]
        public static void Run([TimerTrigger("0 * * * * *")] string timer) => _ = timer;
    }

    public sealed class HttpAsString
    {
        [Function(nameof(HttpAsString))]
        public static void Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "b")] string body) => _ = body;
    }

    public sealed class RouteValueAsObject
    {
        [Function(nameof(RouteValueAsObject))]
        public static void Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "c/{id}")] HttpRequest request, Uri id) => _ = (request, id);
    }

    public sealed class NotInTheRoute
    {
        [Function(nameof(NotInTheRoute))]
        public static void Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "d")] HttpRequest request, string id) => _ = (request, id);
    }

    public sealed class Bindable
    {
        [Function("BindableHttp")]
        public static void Http(
            [HttpTrigger(AuthorizationLevel.Function, "get", Route = "e/{name}/{count:int}")] HttpRequest request,
            string name,
            int count,
            FunctionContext context,
            CancellationToken cancellationToken) => _ = (request, name, count, context, cancellationToken);

        [Function("BindableTimer")]
        public static void Timer([TimerTrigger("%Schedule%")] TimerInfo timer, CancellationToken cancellationToken) => _ = (timer, cancellationToken);
    }
}
