using System.Text.Json;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>The tags built from a per-session prefix say exactly what a serializer of the same values says.</summary>
public class TaggingTests
{
    private static readonly Guid Run = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    private static readonly Guid Session = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-ffffffffffff");

    public static TheoryData<string, object?> Details => new()
    {
        { "scene_title", "Notice the \"first\" thought\n\\ café ☕" },
        { "capture_index", 2 },
        { "dwell_seconds", 42.7 },
        { "dwell_seconds", 120.0 },
        { "resistance_level", 0 },
        { "mindblock_id", Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-123456789abc") },
        { "flag", true },
        { "nothing", null },
        { "big", 1234567890123L },
    };

    [Theory]
    [MemberData(nameof(Details))]
    public void A_tag_with_a_detail_parses_to_what_the_serializer_writes(string key, object? value)
    {
        var tags = new Tagging.SessionTags(Run, Session);

        var built = tags.Json((key, value));

        var expected = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            [Tagging.SyntheticKey] = true, [Tagging.RunIdKey] = Run, [Tagging.SessionIdKey] = Session, [key] = value,
        });
        Assert.Equal(Normalised(expected), Normalised(built));
    }

    [Fact]
    public void A_tag_without_details_is_the_shared_prefix_with_the_three_keys()
    {
        var tags = new Tagging.SessionTags(Run, Session);

        var bare = tags.Json();

        Assert.Same(bare, tags.Json());
        Assert.Equal($$"""{"synthetic":true,"run_id":"{{Run}}","session_id":"{{Session}}"}""", bare);
    }

    /// <summary>Each key with its parsed value (strings unescaped, numbers as numbers), in key order.</summary>
    private static string Normalised(string json) =>
        string.Join(", ", JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value.ValueKind switch
        {
            JsonValueKind.String => $"{p.Key}=\"{p.Value.GetString()}\"",
            JsonValueKind.Number => $"{p.Key}={p.Value.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            _ => $"{p.Key}={p.Value.ValueKind}",
        }));
}
