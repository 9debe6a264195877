using System.Diagnostics;

namespace SyntheticsFunctions.Tests.Support;

/// <summary>Waits on a condition with a generous deadline, polling, never a fixed sleep.</summary>
public static class Eventually
{
    public static Task Until(Func<bool> condition, TimeSpan deadline) => Until(() => Task.FromResult(condition()), deadline);

    public static async Task Until(Func<Task<bool>> condition, TimeSpan deadline)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > deadline)
            {
                throw new TimeoutException($"the condition did not hold within {deadline.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }
}
