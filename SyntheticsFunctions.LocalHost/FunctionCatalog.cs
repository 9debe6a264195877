using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace SyntheticsFunctions.LocalHost;

/// <summary>One function as its attributes declare it: the single source of truth for both hosts.</summary>
public sealed record FunctionDescriptor(string Name, Type Class, MethodInfo Method, HttpTriggerAttribute? Http, TimerTriggerAttribute? Timer)
{
    /// <summary>The route under the host's <c>api/</c> prefix.</summary>
    public string? Route => Http is null ? null : Http.Route ?? Name;

    public IReadOnlyList<string> Methods => Http?.Methods is { Length: > 0 } methods ? [.. methods.Select(m => m.ToUpperInvariant())] : ["GET", "POST"];
}

/// <summary>Finds every <c>[Function]</c> method of an assembly, with its trigger attribute.</summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly) =>
    [
        .. from type in assembly.GetTypes()
           where type is { IsClass: true, IsAbstract: false }
           from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
           let function = method.GetCustomAttribute<FunctionAttribute>()
           where function is not null
           let parameters = method.GetParameters()
           select new FunctionDescriptor(
               function.Name,
               type,
               method,
               parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null),
               parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null)),
    ];
}
