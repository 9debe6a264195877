using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace SyntheticsFunctions.Studio;

/// <summary>
/// The Studio page: one embedded HTML file with its script and styles inline, served with a
/// per-response nonce so the Content-Security-Policy can forbid every other script, style and
/// origin. That policy is what keeps the page free of CDN fonts, scripts and beacons.
/// </summary>
public static class StudioPage
{
    public const string NoncePlaceholder = "{{nonce}}";

    private static readonly Lazy<string> Template = new(LoadTemplate);

    public static IResult Result() => new StudioPageResult(Template.Value, NewNonce());

    /// <summary>Only the app itself: API calls go to the same origin, the favicon is a data URI.</summary>
    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; img-src data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));

    private static string LoadTemplate()
    {
        var assembly = typeof(StudioPage).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Studio.studio.html", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class StudioPageResult(string template, string nonce) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.CacheControl = "no-store";
            response.Headers["Referrer-Policy"] = "no-referrer";
            await response.WriteAsync(template.Replace(NoncePlaceholder, nonce, StringComparison.Ordinal), httpContext.RequestAborted);
        }
    }
}
