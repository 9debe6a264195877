using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.LocalHost;
using SyntheticsFunctions.Telemetry;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Docs;

/// <summary>
/// The documentation against the code: the settings, defaults, ranges, routes and realism figures
/// the pages list are the ones the code declares (derived from the declarations, never a list kept
/// here), every link stays inside the repository and lands on a file and heading that exist, and the
/// README stays a short front door whose first command block is the two commands.
/// </summary>
public partial class DocsTests
{
    private static readonly string Root = LocalHostTests.RepoRoot();

    [Fact]
    public void The_engine_settings_table_is_the_setting_declarations_with_their_defaults_and_ranges()
    {
        var rows = Table("docs/configuration.md", "Engine settings");
        var documented = rows.Select(r => Code(r[0])).ToList();

        AssertSameSet(SettingDeclarations.Names, documented, "engine settings in docs/configuration.md");
        foreach (var row in rows)
        {
            var setting = SettingDeclarations.Get(Code(row[0]));
            Assert.True(Code(row[1]) == setting.ColumnDefault, $"docs/configuration.md gives {setting.Name} the default {row[1]}; its declaration says {setting.ColumnDefault}");
            Assert.True(row[2] == Range(setting), $"docs/configuration.md gives {setting.Name} the range {row[2]}; its declaration says {Range(setting)}");
            Assert.True(row[3] == Step(setting), $"docs/configuration.md gives {setting.Name} the step {row[3]}; its declaration says {Step(setting)}");
            Assert.True(row[4].StartsWith(setting.Description, StringComparison.Ordinal), $"docs/configuration.md's meaning of {setting.Name} does not begin with its declaration's: {setting.Description}");
        }
    }

    [Fact]
    public void The_app_settings_table_lists_every_setting_the_code_reads_and_the_sample_holds_with_the_codes_defaults()
    {
        var rows = Table("docs/configuration.md", "App settings");
        var documented = rows.Select(r => Code(r[0])).ToList();
        var defaults = AppSettingDefaults();
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var expected = defaults.Keys
            .Append($"ConnectionStrings__{ConnectionNames.Synthetics}")
            .Append(TelemetryExtensions.ConnectionStringSetting)
            .Concat(sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name))
            .Concat(sample.RootElement.GetProperty("ConnectionStrings").EnumerateObject().Select(p => $"ConnectionStrings__{p.Name}"))
            .Distinct();

        AssertSameSet(expected, documented, "app settings in docs/configuration.md");
        foreach (var row in rows.Where(r => defaults.ContainsKey(Code(r[0]))))
        {
            var name = Code(row[0]);
            var stated = row[1] == "empty" ? "" : Code(row[1]);
            Assert.True(stated == defaults[name], $"docs/configuration.md gives {name} the default {row[1]}; the code's is '{defaults[name]}' (write an empty default as: empty)");
        }
    }

    [Fact]
    public void The_routes_table_is_the_apps_http_functions_with_their_methods_and_keys()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "host.json")));
        var prefix = "/" + host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();
        var expected =
            from function in FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly)
            where function.Http is not null
            from method in function.Methods
            select $"{method} {prefix}/{function.Route} ({Key(function.Http!.AuthLevel)})";

        var documented = Table("docs/api.md", "Routes").Select(r => $"{Code(r[0])} {Code(r[1])} ({r[2]})");

        AssertSameSet(expected, documented, "routes in docs/api.md (method, route, key)");
    }

    [Fact]
    public void The_realism_figures_table_is_the_figures_the_check_computes()
    {
        var documented = Table("docs/realism.md", "The figures").SelectMany(r => CodeSpan().Matches(r[0]).Select(m => m.Groups[1].Value));

        AssertSameSet(RealismFigures.All.Select(f => f.Name), documented, "realism figures in docs/realism.md");
    }

    [Fact]
    public void Every_link_lands_on_a_file_and_heading_in_the_repository_and_nothing_links_outside()
    {
        var problems = new List<string>();
        foreach (var page in Pages())
        {
            var relative = Path.GetRelativePath(Root, page);
            var prose = Prose(File.ReadAllText(page));
            foreach (Match url in BareUrl().Matches(prose))
            {
                if (!Uri.TryCreate(url.Value, UriKind.Absolute, out var uri) || uri.Host is not ("localhost" or "127.0.0.1"))
                {
                    problems.Add($"{relative}: {url.Value} leaves the repository (only localhost and 127.0.0.1 examples may be links)");
                }
            }

            foreach (var target in Links(prose))
            {
                if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                {
                    continue; // judged with the bare URLs above
                }

                if (Regex.IsMatch(target, "^[a-zA-Z][a-zA-Z0-9+.-]*:"))
                {
                    problems.Add($"{relative}: {target} is not a relative link into the repository");
                    continue;
                }

                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var file = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(path)));
                if (!file.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    problems.Add($"{relative}: {target} points outside the repository");
                }
                else if (!File.Exists(file) && !Directory.Exists(file))
                {
                    problems.Add($"{relative}: {target} points to {Path.GetRelativePath(Root, file)}, which does not exist");
                }
                else if (anchor is not null && !(file.EndsWith(".md", StringComparison.Ordinal) && Anchors(File.ReadAllText(file)).Contains(anchor)))
                {
                    problems.Add($"{relative}: {target} has no heading #{anchor} in {Path.GetRelativePath(Root, file)}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_readme_is_at_most_250_lines_and_its_first_bash_block_is_the_two_commands()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md"));

        Assert.True(lines.Length <= 250, $"README.md has {lines.Length} lines; at most 250 (move reference into docs/)");
        var start = Array.FindIndex(lines, l => l.Trim() == "```bash");
        Assert.True(start >= 0, "README.md has no ```bash block");
        var block = lines.Skip(start + 1).TakeWhile(l => l.Trim() != "```").ToList();
        Assert.Equal(["scripts/run-local.sh", "scripts/test.sh"], block);
    }

    [Theory]
    [InlineData("The seed's recipes", "the-seeds-recipes")]
    [InlineData("Azurite and `func start`", "azurite-and-func-start")]
    [InlineData("Backfill: history from day one", "backfill-history-from-day-one")]
    [InlineData("Where the goals are missed, and why", "where-the-goals-are-missed-and-why")]
    [InlineData("`synthetic_settings` row", "synthetic_settings-row")]
    [InlineData("A [linked](x.md) heading", "a-linked-heading")]
    public void Anchors_follow_githubs_heading_slugs(string heading, string slug) =>
        Assert.Contains(slug, Anchors($"# {heading}\n"));

    [Fact]
    public void A_repeated_heading_gets_a_numbered_anchor() =>
        Assert.Equal(["tuning", "tuning-1"], Anchors("## Tuning\n\n```bash\n# not a heading\n```\n\n### Tuning\n"));

    /// <summary>README.md and every page under docs/.</summary>
    private static IEnumerable<string> Pages() =>
        Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal).Prepend(Path.Combine(Root, "README.md"));

    /// <summary>The app settings whose default the code states: the options classes' properties and the timers' schedules and switches.</summary>
    private static Dictionary<string, string> AppSettingDefaults()
    {
        var defaults = new Dictionary<string, string>();
        void Add(object options, string section)
        {
            foreach (var property in options.GetType().GetProperties().Where(p => p.CanWrite))
            {
                defaults[$"{section.Replace(":", "__", StringComparison.Ordinal)}__{property.Name}"] = property.GetValue(options) switch
                {
                    null => "",
                    bool b => b ? "true" : "false",
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var v => v.ToString()!,
                };
            }
        }

        Add(new SyntheticsOptions(), SyntheticsOptions.Section);
        Add(new PostgresAuthOptions(), PostgresAuthOptions.Section);
        Add(new LocalHostOptions(), LocalHostOptions.Section);
        foreach (var timer in FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly).Where(f => f.Timer is not null))
        {
            var schedule = timer.Timer!.Schedule.Trim('%');
            defaults[schedule] = LocalHostDefaults.Settings[schedule]!;
            defaults[$"AzureWebJobs.{timer.Name}.Disabled"] = "false";
        }

        return defaults;
    }

    private static string Range(SettingDeclaration setting) => setting.Kind == SettingKind.Boolean
        ? "true or false"
        : string.Create(CultureInfo.InvariantCulture, $"{setting.Min}-{setting.Max}");

    private static string Step(SettingDeclaration setting) => setting.Kind == SettingKind.Boolean
        ? "—"
        : setting.Step.ToString(CultureInfo.InvariantCulture);

    private static string Key(AuthorizationLevel level) => level switch
    {
        AuthorizationLevel.Anonymous => "anonymous",
        AuthorizationLevel.Function => "function key",
        _ => level.ToString().ToLowerInvariant() + " key",
    };

    private static void AssertSameSet(IEnumerable<string> expected, IEnumerable<string> documented, string what)
    {
        var code = expected.ToHashSet(StringComparer.Ordinal);
        var docs = documented.ToList();
        var missing = code.Except(docs).Order(StringComparer.Ordinal).ToList();
        var extra = docs.Except(code).Distinct().Order(StringComparer.Ordinal).ToList();
        var twice = docs.GroupBy(d => d).Where(g => g.Count() > 1).Select(g => g.Key).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0 && extra.Count == 0 && twice.Count == 0,
            $"{what}: in the code but not the docs [{string.Join(", ", missing)}]; in the docs but not the code [{string.Join(", ", extra)}]; listed twice [{string.Join(", ", twice)}]");
    }

    /// <summary>The body rows (cells trimmed) of the first table after the heading <paramref name="heading"/> in <paramref name="page"/>.</summary>
    private static List<string[]> Table(string page, string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, page));
        var at = Array.FindIndex(lines, l => Regex.IsMatch(l, $@"^#{{1,6}}\s+{Regex.Escape(heading)}\s*$"));
        Assert.True(at >= 0, $"{page} has no heading '{heading}'");
        var table = lines.Skip(at + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.True(table.Count > 2, $"{page} has no table under '{heading}'");
        return [.. table.Skip(2).Select(Cells)];
    }

    /// <summary>A table row's cells, split on the pipes outside code spans.</summary>
    private static string[] Cells(string row)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var inCode = false;
        foreach (var c in row.Trim().Trim('|'))
        {
            if (c == '`')
            {
                inCode = !inCode;
            }

            if (c == '|' && !inCode)
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }

    /// <summary>A cell that is one code span, without its backticks; anything else as it is (so it fails to match).</summary>
    private static string Code(string cell) => Regex.Match(cell, "^`([^`]*)`$") is { Success: true } m ? m.Groups[1].Value : cell;

    /// <summary>The page without fenced code blocks, and with each code span replaced by a word, so neither holds links.</summary>
    private static string Prose(string markdown) => CodeSpan().Replace(string.Join('\n', OutsideFences(markdown)), "code");

    /// <summary>The page's lines outside fenced code blocks (whose lines may start with # without being headings).</summary>
    private static IEnumerable<string> OutsideFences(string markdown)
    {
        var fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
            }
            else if (!fenced)
            {
                yield return line;
            }
        }
    }

    /// <summary>The targets of markdown links and images, and of HTML src and href attributes.</summary>
    private static IEnumerable<string> Links(string prose) =>
        MarkdownLink().Matches(prose).Select(m => m.Groups[1].Value)
            .Concat(HtmlLink().Matches(prose).Select(m => m.Groups[1].Value));

    /// <summary>The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    private static List<string> Anchors(string markdown)
    {
        var anchors = new List<string>();
        foreach (var line in OutsideFences(markdown))
        {
            var heading = Regex.Match(line, @"^#{1,6}\s+(.*?)\s*#*\s*$");
            if (!heading.Success)
            {
                continue;
            }

            var text = MarkdownLinkText().Replace(heading.Groups[1].Value, "$1").Replace("`", "", StringComparison.Ordinal);
            var slug = Regex.Replace(text.ToLowerInvariant(), @"[^\p{L}\p{M}\p{N}\p{Pc} -]", "").Replace(' ', '-');
            var repeats = anchors.Count(a => a == slug || Regex.IsMatch(a, $"^{Regex.Escape(slug)}-[0-9]+$"));
            anchors.Add(repeats == 0 ? slug : $"{slug}-{repeats}");
        }

        return anchors;
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex MarkdownLinkText();

    [GeneratedRegex(@"\b(?:src|href)\s*=\s*""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLink();

    [GeneratedRegex(@"https?://[^\s<>()\[\]""'`]+", RegexOptions.IgnoreCase)]
    private static partial Regex BareUrl();
}
