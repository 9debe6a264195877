using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;

namespace SyntheticsFunctions.LocalHost;

/// <summary>What one call of a function has to offer its parameters.</summary>
internal sealed record Invocation(FunctionDescriptor Function, IServiceProvider Services, HttpContext? Http, TimerInfo? Timer, CancellationToken CancellationToken);

/// <summary>One function as its attributes declare it: the single source of truth for both hosts.</summary>
public sealed record FunctionDescriptor(string Name, Type Class, MethodInfo Method, HttpTriggerAttribute? Http, TimerTriggerAttribute? Timer)
{
    /// <summary>The route under the host's <c>api/</c> prefix.</summary>
    public string? Route => Http is null ? null : Http.Route ?? Name;

    public IReadOnlyList<string> Methods => Http?.Methods is { Length: > 0 } methods ? [.. methods.Select(m => m.ToUpperInvariant())] : ["GET", "POST"];

    /// <summary>How each parameter of <see cref="Method"/> gets its value, decided once at discovery.</summary>
    internal IReadOnlyList<Func<Invocation, object?>> Binders { get; init; } = [];
}

/// <summary>
/// Finds every <c>[Function]</c> method, with its trigger attribute and a binder for each
/// parameter. A parameter the local host cannot bind fails discovery, so the host does not start.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly) => Discover(assembly.GetTypes());

    public static IReadOnlyList<FunctionDescriptor> Discover(IEnumerable<Type> types) =>
    [
        .. from type in types
           where type is { IsClass: true, IsAbstract: false }
           from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
           let function = method.GetCustomAttribute<FunctionAttribute>()
           where function is not null
           let parameters = method.GetParameters()
           let descriptor = new FunctionDescriptor(
               function.Name,
               type,
               method,
               parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null),
               parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null))
           select descriptor with { Binders = [.. parameters.Select(p => Binder(descriptor, p))] },
    ];

    /// <summary>
    /// The parameters the worker binds for these triggers and the local host can supply: the
    /// <c>[HttpTrigger]</c> request (or its context), the <c>[TimerTrigger]</c> info, the
    /// cancellation token, the function context, and route values by name. Anything else throws.
    /// </summary>
    private static Func<Invocation, object?> Binder(FunctionDescriptor function, ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        var hasBindingAttribute = parameter.GetCustomAttributes().Any(a => a.GetType().Namespace?.StartsWith("Microsoft.Azure.Functions.Worker", StringComparison.Ordinal) == true);
        if (parameter.IsOut || type.IsByRef)
        {
            throw Unbindable(function, parameter, "it is passed by reference");
        }

        if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is not null)
        {
            return type == typeof(HttpRequest) ? call => call.Http?.Request
                : type == typeof(HttpContext) ? call => call.Http
                : throw Unbindable(function, parameter, "an [HttpTrigger] parameter must be an HttpRequest or an HttpContext");
        }

        if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is not null)
        {
            return type == typeof(TimerInfo) ? call => call.Timer
                : throw Unbindable(function, parameter, "a [TimerTrigger] parameter must be a TimerInfo");
        }

        if (hasBindingAttribute)
        {
            throw Unbindable(function, parameter, "the local host supports only HTTP and timer triggers, and no input or output bindings");
        }

        if (type == typeof(CancellationToken))
        {
            return call => call.CancellationToken;
        }

        if (type == typeof(FunctionContext))
        {
            return call => new LocalFunctionContext(call.Function.Name, call.Services, call.CancellationToken);
        }

        // Route parameters bind by name, as the worker binds them from the trigger's binding data.
        if (function.Http is not null && RouteParameters(function).Contains(parameter.Name!, StringComparer.OrdinalIgnoreCase))
        {
            var target = Nullable.GetUnderlyingType(type) ?? type;
            if (target != typeof(string) && !typeof(IConvertible).IsAssignableFrom(target))
            {
                throw Unbindable(function, parameter, $"route value {{{parameter.Name}}} cannot be converted to {type.Name}");
            }

            return call => call.Http?.Request.RouteValues.TryGetValue(parameter.Name!, out var value) == true && value is not null
                ? (target == typeof(string) ? value.ToString() : Convert.ChangeType(value.ToString(), target, CultureInfo.InvariantCulture))
                : parameter.HasDefaultValue ? parameter.DefaultValue : null;
        }

        throw Unbindable(function, parameter,
            "the local host binds an [HttpTrigger] HttpRequest or HttpContext, a [TimerTrigger] TimerInfo, CancellationToken, FunctionContext and route parameters by name");
    }

    private static IEnumerable<string> RouteParameters(FunctionDescriptor function) =>
        TemplateParser.Parse(function.Route!.TrimStart('/')).Parameters.Select(p => p.Name!);

    private static InvalidOperationException Unbindable(FunctionDescriptor function, ParameterInfo parameter, string why) =>
        new($"Function {function.Name} ({function.Class.FullName}.{function.Method.Name}): the local host cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType.Name}; {why}.");
}
