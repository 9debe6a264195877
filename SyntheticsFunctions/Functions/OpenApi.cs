using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Functions;

/// <summary>The record a route answers with on success, 200 unless <paramref name="status"/> says otherwise (its schema in the OpenAPI document).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiResponseAttribute(Type type, int status = 200) : Attribute
{
    public Type Type { get; } = type;

    public int Status { get; } = status;
}

/// <summary>A problem+json answer a route gives besides the usual ones (404, 409), with when.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiProblemAttribute(int status, string description) : Attribute
{
    public int Status { get; } = status;

    public string Description { get; } = description;
}

/// <summary>The JSON body a route takes (for the OpenAPI document; the function itself reads it strictly with <see cref="BodyFields"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiBodyAttribute(Type type, bool required = true) : Attribute
{
    public Type Type { get; } = type;

    public bool Required { get; } = required;
}

/// <summary>A query parameter a route reads.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiQueryAttribute(string name, string type, string description) : Attribute
{
    public string Name { get; } = name;

    public string Type { get; } = type;

    public string Description { get; } = description;
}

// Request bodies, for the document: names on the wire as the API reads them.
public sealed record ToggleRequest(bool Enabled);

public sealed record RunNowRequest(int? Target, bool? DryRun);

public sealed record CleanupRequest(int? RetainDays);

public sealed record PurgeRequest(string Confirm);

public sealed record PoolResizeRequest(int PoolSize);

public sealed record BackfillRequest(int Days, bool? PurgeFirst);

/// <summary>Marks the settings body, whose properties come from <see cref="SettingDeclarations"/>.</summary>
public sealed record SettingsRequest;

/// <summary>Marks the settings as the API answers them: every declared setting, by name.</summary>
public sealed record SettingsView;

/// <summary>Documents a property with another type's schema (a map whose keys are declared elsewhere).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ApiSchemaAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;
}

/// <summary>
/// The OpenAPI 3.0 document of the whole API, derived from the functions' own attributes (routes,
/// methods, auth levels), the response and request records, and the setting declarations: one
/// source, so the document cannot drift from what the app serves.
/// </summary>
public static class OpenApi
{
    public const string ProblemSchema = "Problem";

    public static JsonObject Document(Assembly assembly)
    {
        var schemas = new JsonObject();
        var paths = new JsonObject();
        foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods()).Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
            if (trigger is null)
            {
                continue;
            }

            var route = "/api/" + trigger.Route;
            var item = paths[route] as JsonObject ?? [];
            paths[route] = item;
            foreach (var verb in trigger.Methods ?? [])
            {
                item[verb.ToLowerInvariant()] = Operation(method, trigger, schemas);
            }
        }

        schemas[ProblemSchema] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "application/problem+json (RFC 9457). 400s name each invalid field under errors; 503 and 500 carry a correlation_id, never the cause.",
            ["properties"] = new JsonObject
            {
                ["type"] = new JsonObject { ["type"] = "string" },
                ["title"] = new JsonObject { ["type"] = "string" },
                ["status"] = new JsonObject { ["type"] = "integer" },
                ["detail"] = new JsonObject { ["type"] = "string" },
                ["errors"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } } },
                ["correlation_id"] = new JsonObject { ["type"] = "string" },
            },
        };
        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = "SyntheticsFunctions control API", ["version"] = AppVersion.Current },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["functionKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key" },
                    ["functionKeyQuery"] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = "code" },
                },
            },
        };
    }

    private static JsonObject Operation(MethodInfo method, HttpTriggerAttribute trigger, JsonObject schemas)
    {
        var name = method.GetCustomAttribute<FunctionAttribute>()!.Name;
        var operation = new JsonObject { ["operationId"] = name };
        var parameters = new JsonArray();
        foreach (var segment in (trigger.Route ?? "").Split('/').Where(s => s.StartsWith('{')))
        {
            // Ids are UUIDs; the other path values (hours) are integers.
            var schema = segment == "{id}" ? new JsonObject { ["type"] = "string", ["format"] = "uuid" } : new JsonObject { ["type"] = "integer" };
            parameters.Add(new JsonObject { ["name"] = segment.Trim('{', '}'), ["in"] = "path", ["required"] = true, ["schema"] = schema });
        }

        foreach (var query in method.GetCustomAttributes<ApiQueryAttribute>())
        {
            parameters.Add(new JsonObject { ["name"] = query.Name, ["in"] = "query", ["description"] = query.Description, ["schema"] = new JsonObject { ["type"] = query.Type } });
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (method.GetCustomAttribute<ApiBodyAttribute>() is { } body)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = body.Required,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(body.Type, schemas) } },
            };
        }

        var responses = new JsonObject();
        if (method.GetCustomAttribute<ApiResponseAttribute>() is { } response)
        {
            responses[response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["description"] = response.Status == 202 ? "Accepted" : "OK",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(response.Type, schemas) } },
            };
        }
        else
        {
            responses["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["text/html"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } } };
        }

        var problem = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{ProblemSchema}" } } };
        foreach (var answer in method.GetCustomAttributes<ApiProblemAttribute>())
        {
            responses[answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject { ["description"] = answer.Description, ["content"] = problem.DeepClone() };
        }

        if (parameters.Count > 0 || method.GetCustomAttribute<ApiBodyAttribute>() is not null)
        {
            responses["400"] = new JsonObject { ["description"] = "Invalid input; errors name each field. Nothing was written.", ["content"] = problem.DeepClone() };
        }

        if (trigger.AuthLevel != AuthorizationLevel.Anonymous)
        {
            responses["401"] = new JsonObject { ["description"] = "No valid function key." };
            operation["security"] = new JsonArray(new JsonObject { ["functionKey"] = new JsonArray() }, new JsonObject { ["functionKeyQuery"] = new JsonArray() });
        }

        if (method.GetCustomAttribute<ApiResponseAttribute>() is not null)
        {
            responses["500"] = new JsonObject { ["description"] = "An internal error occurred (a fixed message and the correlation id).", ["content"] = problem.DeepClone() };
            responses["503"] = new JsonObject { ["description"] = "The database is unreachable (a fixed message and the correlation id).", ["content"] = problem.DeepClone() };
        }

        operation["responses"] = responses;
        return operation;
    }

    /// <summary>A $ref to the record's schema, adding it (and the records it holds) to the components.</summary>
    private static JsonObject Reference(Type type, JsonObject schemas)
    {
        if (!schemas.ContainsKey(type.Name))
        {
            schemas[type.Name] = null;
            schemas[type.Name] = type == typeof(SettingsRequest) ? SettingsSchema(answer: false)
                : type == typeof(SettingsView) ? SettingsSchema(answer: true)
                : ObjectSchema(type, schemas);
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" };
    }

    private static JsonObject SettingsSchema(bool answer) => new()
    {
        ["type"] = "object",
        ["description"] = answer
            ? "Every setting, by its declared name (GET synthetics/settings/schema)."
            : "A partial change: at least one setting. Ranges come from the setting declarations (GET synthetics/settings/schema).",
        ["additionalProperties"] = false,
        ["required"] = answer ? new JsonArray([.. SettingDeclarations.Names.Select(n => (JsonNode)n)]) : null,
        ["properties"] = new JsonObject(SettingDeclarations.All.Select(s => KeyValuePair.Create(s.Name, (JsonNode?)(s.Kind switch
        {
            SettingKind.Boolean => new JsonObject { ["type"] = "boolean", ["description"] = s.Description },
            SettingKind.Integer => new JsonObject { ["type"] = "integer", ["minimum"] = s.Min, ["maximum"] = s.Max, ["description"] = s.Description },
            _ => new JsonObject { ["type"] = "number", ["minimum"] = s.Min, ["maximum"] = s.Max, ["description"] = s.Description },
        })))),
    };

    private static JsonObject ObjectSchema(Type type, JsonObject schemas)
    {
        var nullability = new NullabilityInfoContext();
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod?.IsPublic == true && p.Name != "EqualityContract"))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? ApiResults.SerializerOptions.PropertyNamingPolicy!.ConvertName(property.Name);
            var nullable = nullability.Create(property).ReadState == NullabilityState.Nullable;
            var schema = property.GetCustomAttribute<ApiSchemaAttribute>() is { } documented
                ? Reference(documented.Type, schemas)
                : TypeSchema(property.PropertyType, schemas);
            if (nullable)
            {
                schema["nullable"] = true;
            }
            else
            {
                required.Add(name);
            }

            properties[name] = schema;
        }

        var result = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            result["required"] = required;
        }

        return result;
    }

    private static JsonObject TypeSchema(Type type, JsonObject schemas)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (underlying == typeof(Guid))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "uuid" };
        }

        if (underlying == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (underlying == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (underlying == typeof(int) || underlying == typeof(long))
        {
            return new JsonObject { ["type"] = "integer" };
        }

        if (underlying == typeof(double))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (underlying == typeof(object) || underlying == typeof(JsonElement))
        {
            return [];
        }

        var dictionary = underlying.GetInterfaces().Append(underlying).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
        if (dictionary is not null)
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = TypeSchema(dictionary.GetGenericArguments()[1], schemas) };
        }

        var list = underlying.GetInterfaces().Append(underlying).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyList<>));
        if (list is not null)
        {
            return new JsonObject { ["type"] = "array", ["items"] = TypeSchema(list.GetGenericArguments()[0], schemas) };
        }

        return Reference(underlying, schemas);
    }
}
