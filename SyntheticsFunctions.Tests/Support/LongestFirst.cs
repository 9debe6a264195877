using Xunit.Abstractions;

[assembly: TestCollectionOrderer("SyntheticsFunctions.Tests.Support.LongestFirst", "SyntheticsFunctions.Tests")]

namespace SyntheticsFunctions.Tests.Support;

/// <summary>
/// Marks a test class that takes minutes on the 2-core CI machine, with about how many seconds its
/// tests took there in all, so <see cref="LongestFirst"/> starts it early.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LongRunningAttribute(int ciSeconds) : Attribute
{
    public int CiSeconds { get; } = ciSeconds;
}

/// <summary>
/// Starts the test classes marked <see cref="LongRunningAttribute"/> first, the longest first, then
/// the rest by name: xUnit starts classes in this order as its threads free up, so the suite does
/// not end waiting on a class of several minutes that happened to start last.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private const string PerClassPrefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(CiSeconds).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    /// <summary>The seconds a per-class collection's class declares; 0 for any other.</summary>
    internal static int CiSeconds(ITestCollection collection)
    {
        if (!collection.DisplayName.StartsWith(PerClassPrefix, StringComparison.Ordinal)
            || collection.TestAssembly.Assembly.GetType(collection.DisplayName[PerClassPrefix.Length..]) is not { } type)
        {
            return 0;
        }

        var attribute = type.GetCustomAttributes(typeof(LongRunningAttribute).AssemblyQualifiedName).FirstOrDefault();
        return attribute?.GetConstructorArguments().Cast<int>().Single() ?? 0;
    }
}
