using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace SyntheticsFunctions.LocalHost;

/// <summary>Calls a function method as the worker would: a new instance per call from the container, its parameters bound from the trigger.</summary>
internal static class FunctionInvoker
{
    public static async Task<object?> InvokeAsync(FunctionDescriptor function, IServiceProvider services, HttpContext? http, TimerInfo? timer, CancellationToken cancellationToken)
    {
        var target = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, function.Class);
        var arguments = function.Method.GetParameters().Select(p => Bind(p, function, services, http, timer, cancellationToken)).ToArray();
        object? returned;
        try
        {
            returned = function.Method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        if (returned is Task task)
        {
            await task;
            var resultProperty = task.GetType().GetProperty("Result");
            return resultProperty is not null && task.GetType().IsGenericType ? resultProperty.GetValue(task) : null;
        }

        return returned;
    }

    private static object? Bind(ParameterInfo parameter, FunctionDescriptor function, IServiceProvider services, HttpContext? http, TimerInfo? timer, CancellationToken cancellationToken)
    {
        var type = parameter.ParameterType;
        if (type == typeof(HttpRequest))
        {
            return http?.Request;
        }

        if (type == typeof(HttpContext))
        {
            return http;
        }

        if (type == typeof(TimerInfo))
        {
            return timer;
        }

        if (type == typeof(CancellationToken))
        {
            return cancellationToken;
        }

        if (type == typeof(FunctionContext))
        {
            return new LocalFunctionContext(function.Name, services, cancellationToken);
        }

        // Route parameters bind by name, as the worker binds them from the trigger's binding data.
        if (http?.Request.RouteValues.TryGetValue(parameter.Name!, out var value) == true && value is not null)
        {
            return type == typeof(string) ? value.ToString() : Convert.ChangeType(value.ToString(), Nullable.GetUnderlyingType(type) ?? type, CultureInfo.InvariantCulture);
        }

        return parameter.HasDefaultValue ? parameter.DefaultValue : services.GetService(type);
    }
}
