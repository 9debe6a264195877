using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// The capture-reuse sample (<see cref="WordFacts.ReuseSampleEvery"/>): every capture up to
/// <see cref="WordFacts.ReuseSample"/>, above it the texts whose key has its low bits zero, the
/// reused count scaled to all captures; and the text key, the same for texts the figure counts as one.
/// </summary>
public class WordsSampleTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(100_000, 1)]
    [InlineData(100_001, 2)]
    [InlineData(200_000, 2)]
    [InlineData(200_001, 4)]
    [InlineData(2_000_000, 32)]
    public void The_sample_is_every_capture_up_to_its_size_then_one_in_a_power_of_two(long captures, long every) =>
        Assert.Equal(every, WordFacts.ReuseSampleEvery(captures));

    [Fact]
    public void Texts_the_figure_counts_as_one_have_one_key_and_the_key_is_the_same_in_every_process()
    {
        Assert.Equal(CaptureFact.KeyOf("Felt calm today #1."), CaptureFact.KeyOf("FELT CALM   today!"));
        Assert.NotEqual(CaptureFact.KeyOf("Felt calm today"), CaptureFact.KeyOf("Felt calm tonight"));

        // Fixed values: a key written by one release is compared with keys written by the next.
        Assert.Equal(-1166397803181037274L, CaptureFact.KeyOf(string.Empty));
        Assert.Equal(-1039615604450992231L, CaptureFact.KeyOf("Felt calm today."));
        Assert.Equal(CaptureFact.KeyOf(string.Empty), CaptureFact.KeyOf("123 !?"));
    }

    [Fact]
    public void Above_the_sample_size_reuse_is_counted_on_the_sampled_texts_and_scaled()
    {
        // 300,000 captures (a sample of 1 in 4): text k written by user k, and also by user k + 1
        // when k is a multiple of 3 (those keys are shared); one capture in 1,000 has a seam.
        var tally = new CaptureTally([]);
        var users = Enumerable.Range(0, 3).Select(i => new Guid(i, 0, 0, new byte[8])).ToArray();
        long captures = 0, sampled = 0, sampledReused = 0;
        for (var k = 0L; captures < 300_000; k++)
        {
            var key = unchecked(k * (long)0x9E3779B97F4A7C15UL);
            var copies = k % 3 == 0 ? 2 : 1;
            for (var c = 0; c < copies; c++)
            {
                tally.Add(users[c], key, captures % 1_000 == 0);
                captures++;
            }

            if ((key & 3) == 0)
            {
                sampled += copies;
                sampledReused += copies == 2 ? 2 : 0;
            }
        }

        var facts = tally.Facts(7, 3);
        Assert.Equal(4, WordFacts.ReuseSampleEvery(captures));
        Assert.Equal(new WordFacts(captures, (long)Math.Round(sampledReused * (double)captures / sampled), 300, 7, 3), facts);

        // About half the captures are of shared texts (2 in every 4 written), and so is the estimate.
        Assert.InRange(facts.ReusedCaptures / (double)captures, 0.49, 0.51);
    }
}
