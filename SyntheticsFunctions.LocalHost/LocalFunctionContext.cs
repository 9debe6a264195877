using Microsoft.Azure.Functions.Worker;

namespace SyntheticsFunctions.LocalHost;

/// <summary>
/// The <see cref="FunctionContext"/> the local host hands to functions that take one: enough
/// for logging and services. Binding and trace features belong to the Functions host and are
/// not available here.
/// </summary>
internal sealed class LocalFunctionContext(string functionName, IServiceProvider services, CancellationToken cancellationToken) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId { get; } = functionName;

    public override TraceContext TraceContext => throw Unsupported(nameof(TraceContext));

    public override BindingContext BindingContext => throw Unsupported(nameof(BindingContext));

    public override RetryContext RetryContext => throw Unsupported(nameof(RetryContext));

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => throw Unsupported(nameof(FunctionDefinition));

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw Unsupported(nameof(Features));

    public override CancellationToken CancellationToken { get; } = cancellationToken;

    private static NotSupportedException Unsupported(string member) =>
        new($"FunctionContext.{member} is not available in the local host mode; run under the Functions host for it.");
}
