using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// The words users write, judged by rule over many texts at a fixed seed: no seam of any class
/// (<see cref="Seams"/>), each person's voice at the documented shares (typos, one-word answers,
/// emoji), names and places with non-ASCII letters, prompts from the catalog, and enough variety
/// in trigger descriptions and error messages.
/// </summary>
public class WordsTests(ITestOutputHelper output)
{
    private const int Texts = 100_000;

    private static readonly Catalog Catalog = DefaultCatalog.Catalog;

    private static readonly IReadOnlyList<string> Labels = Seams.LabelsOf(Catalog);

    /// <summary>
    /// <see cref="Texts"/> answers, each by a person of their own (a voice of their own), to a prompt
    /// of a scene of the catalog drawn at random (a scene without a capture_prompt is answered as an
    /// observation), with the text the same draws give without the person's typos.
    /// </summary>
    private static List<(string Prompt, string Text, string WithoutTypo)> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var scenes = Catalog.Journeys.SelectMany(j => j.Scenes.Select(s => (Journey: j, Scene: s))).Where(x => x.Scene.Contract.RequiredCaptures > 0).ToList();
        var texts = new List<(string, string, string)>(count);
        for (var i = 0; i < count; i++)
        {
            var (journey, scene) = scenes[random.Next(scenes.Count)];
            var prompt = Sampling.Pick(random, scene.Contract.Prompts!);
            var voice = Voice.Of(Uuid7.Create(DateTimeOffset.UnixEpoch.AddSeconds(i), random));
            var textSeed = random.Next();
            var asked = scene.Contract.CapturePrompt is null ? null : prompt;
            texts.Add((prompt, Content.Capture(new Random(textSeed), asked, journey.ClinicalFocus, voice),
                Content.Capture(new Random(textSeed), asked, journey.ClinicalFocus, voice with { TypoRate = 0 })));
        }

        return texts;
    }

    [Fact]
    public void The_seam_rules_catch_each_class_of_seam()
    {
        Assert.Equal(Seams.Empty, Seams.Find("", Labels));
        Assert.Equal(Seams.Empty, Seams.Find("🙂 ...", Labels));
        Assert.Equal(Seams.DoubledWord, Seams.Find("You're not not good enough.", Labels));
        Assert.Equal(Seams.DoubledWord, Seams.Find("Coffee with Zoë, Zoë made me laugh", Labels));
        Assert.Equal(Seams.Agreement, Seams.Find("My hands gets tight first.", Labels));
        Assert.Equal(Seams.Agreement, Seams.Find("I gets anxious.", Labels));
        Assert.Equal(Seams.Agreement, Seams.Find("my mum, they always picks up", Labels));
        Assert.Equal(Seams.Agreement, Seams.Find("They has been through it.", Labels));
        Assert.Equal(Seams.WillAfterWhatIf, Seams.Find("What if I'll freeze in the meeting?", Labels));
        Assert.Equal(Seams.WillAfterWhatIf, Seams.Find("what if the results will be bad", Labels));
        Assert.Equal(Seams.QuotedLabel, Seams.Find("Caught the \"should statements\" thought again", Labels));
        Assert.Equal(Seams.QuotedLabel, Seams.Find("Did the 'Box breathing' one", Labels));
        Assert.Equal(Seams.QuotedLabel, Seams.Find("the “just this once” voice", Labels));

        // Grammatical texts pass.
        Assert.Null(Seams.Find("My hands get tight first. I was tired, they always pick up.", Labels));
        Assert.Null(Seams.Find("What if I freeze? I'll try anyway.", Labels));
        Assert.Null(Seams.Find("\"You're lazy.\" I always hear it.", Labels));
        Assert.Null(Seams.Find("chest", Labels));
    }

    [Fact]
    public void No_seam_in_100000_generated_texts()
    {
        var texts = Generate(26, Texts);
        var found = texts.Select(t => (t.Text, Seam: Seams.Find(t.Text, Labels))).Where(x => x.Seam is not null).ToList();
        foreach (var group in found.GroupBy(x => x.Seam))
        {
            output.WriteLine($"{group.Key}: {group.Count()}, e.g. {string.Join(" | ", group.Take(5).Select(x => x.Text))}");
        }

        foreach (var sample in texts.Where((_, i) => i % 2_500 == 0))
        {
            output.WriteLine($"{sample.Prompt} -> {sample.Text}");
        }

        Assert.Empty(found);
        Assert.DoesNotContain(texts, t => t.Text.Contains('{') || t.Text.Contains('<') || t.Text.Contains('['));
    }

    [Fact]
    public void Voices_give_typos_one_word_answers_and_emoji_at_their_shares()
    {
        var texts = Generate(27, Texts);
        double Share(Func<(string Prompt, string Text, string WithoutTypo), bool> predicate) => texts.Count(predicate) / (double)texts.Count;
        var typos = Share(t => t.Text != t.WithoutTypo);
        var oneWord = Share(t => !RealismFigures.NormaliseCapture(t.Text).Contains(' '));
        var emoji = Share(t => Content.Emoji.Any(e => t.Text.Contains(e, StringComparison.Ordinal)));
        var lower = Share(t => t.Text == t.Text.ToLowerInvariant());
        output.WriteLine($"typos {typos:P2}, one word {oneWord:P2}, emoji {emoji:P2}, all lower case {lower:P2}");

        // The voices' means: typos 2%, one word 5%, emoji 3%; within the issue's ranges.
        Assert.InRange(typos, 0.01, 0.03);
        Assert.InRange(oneWord, 0.02, 0.08);
        Assert.InRange(emoji, 0.01, 0.05);
        Assert.InRange(lower, 0.10, 0.40);

        // The same person always has the same voice.
        var id = Guid.CreateVersion7();
        Assert.Equal(Voice.Of(id), Voice.Of(id));
    }

    [Fact]
    public void Names_and_places_inside_texts_carry_non_ascii_letters()
    {
        var names = Content.NamesAndPlaces.ToList();
        int uses = 0, nonAscii = 0;
        foreach (var (_, text, _) in Generate(28, Texts))
        {
            foreach (var name in names)
            {
                if (text.Contains(name, StringComparison.OrdinalIgnoreCase))
                {
                    uses++;
                    nonAscii += name.Any(c => c > 127) ? 1 : 0;
                }
            }
        }

        output.WriteLine($"names and places: {uses} uses, {nonAscii / (double)uses:P1} with non-ASCII letters");
        Assert.True(uses > 10_000, $"{uses} uses of names and places");
        Assert.InRange(nonAscii / (double)uses, 0.05, 0.6);
    }

    [Fact]
    public void Sessions_keep_the_capture_contract_and_take_prompts_from_the_catalog()
    {
        var captures = 0;
        foreach (var (_, plan) in SessionContentTests.Chain(29, 3_000, people: true))
        {
            var rows = plan.Rows.Select(r => r.Row).ToList();
            foreach (var scene in rows.OfType<InstanceSceneRow>().Where(s => s.Status == SceneStatus.Completed))
            {
                var definition = Catalog.Journeys.SelectMany(j => j.Scenes).Single(s => s.Id == scene.SceneId);
                var sceneCaptures = rows.OfType<CaptureRow>().Where(c => c.InstanceSceneId == scene.Id).ToList();
                Assert.Equal(definition.Contract.RequiredCaptures, sceneCaptures.Count);
                Assert.All(sceneCaptures, c => Assert.Contains(c.Prompt, definition.Contract.Prompts!));
                Assert.All(sceneCaptures, c => Assert.Null(Seams.Find(c.Response, Labels)));
                captures += sceneCaptures.Count;
            }
        }

        Assert.InRange(captures, 5_000, 20_000);
    }

    [Fact]
    public void Triggers_and_errors_are_varied()
    {
        var random = new Random(30);
        var triggers = Enumerable.Range(0, 20_000).Select(_ => Content.Trigger(random)).ToList();
        var descriptions = triggers.Select(t => t.Description).Distinct().ToList();
        output.WriteLine($"{descriptions.Count} trigger descriptions, e.g. {string.Join(" | ", descriptions.Take(8))}");

        Assert.True(descriptions.Count >= 50, $"{descriptions.Count} trigger descriptions");
        Assert.Equal(6, triggers.Select(t => t.Type).Distinct().Count());
        Assert.All(descriptions, d => Assert.Null(Seams.Find(d, Labels)));
        Assert.All(descriptions, d => Assert.True(char.IsUpper(d[0]) && !d.Contains('{'), d));
        Assert.True(Content.ClientErrors.Select(e => e.Message).Distinct().Count() >= 20);
    }
}
