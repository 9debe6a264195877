using Moq;
using SyntheticsFunctions.Tests.Engine;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>The suite's own collection order: the classes marked long-running first, the longest first, then the rest by name.</summary>
public class LongestFirstTests
{
    [Fact]
    public void Classes_marked_long_running_start_first_the_longest_first_then_the_rest_by_name()
    {
        var assembly = new Mock<ITestAssembly>();
        assembly.Setup(a => a.Assembly).Returns(Reflector.Wrap(typeof(LongestFirstTests).Assembly));
        ITestCollection Collection(string name)
        {
            var collection = new Mock<ITestCollection>();
            collection.Setup(c => c.DisplayName).Returns(name);
            collection.Setup(c => c.TestAssembly).Returns(assembly.Object);
            return collection.Object;
        }

        var names = new[]
        {
            $"Test collection for {typeof(LongestFirstTests).FullName}",
            $"Test collection for {typeof(HistoryTests).FullName}",
            "A named collection",
            $"Test collection for {typeof(CalibrationTests).FullName}",
            $"Test collection for {typeof(PreRollTests).FullName}",
            "Test collection for No.Such.Class",
        };

        var ordered = new LongestFirst().OrderTestCollections(names.Select(Collection)).Select(c => c.DisplayName).ToList();

        Assert.Equal(
            [names[3], names[1], names[4], names[2], names[5], names[0]],
            ordered);
        Assert.Equal(520, LongestFirst.CiSeconds(Collection(names[3])));
        Assert.Equal(0, LongestFirst.CiSeconds(Collection(names[0])));
    }
}
