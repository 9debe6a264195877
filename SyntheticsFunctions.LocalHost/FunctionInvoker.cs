using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace SyntheticsFunctions.LocalHost;

/// <summary>Calls a function method as the worker would: a new instance per call from the container, its parameters bound by the binders the catalog chose.</summary>
internal static class FunctionInvoker
{
    public static async Task<object?> InvokeAsync(FunctionDescriptor function, IServiceProvider services, HttpContext? http, TimerInfo? timer, CancellationToken cancellationToken)
    {
        var target = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, function.Class);
        var call = new Invocation(function, services, http, timer, cancellationToken);
        var arguments = function.Binders.Select(bind => bind(call)).ToArray();
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
}
