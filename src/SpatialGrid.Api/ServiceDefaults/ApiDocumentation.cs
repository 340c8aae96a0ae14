using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SpatialGrid.Api.Security;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// What the generated OpenAPI document does not say by itself and a client needs: the API key (a security scheme, and
/// which operations need it), the errors each operation can answer (problem+json, Open311's error array), an
/// operation id per operation, tag descriptions, and numbers typed as numbers. <c>deploy/test.sh</c> lints the
/// document with Redocly's recommended rules (<c>tests/web/openapi-lint.test.mjs</c>): it must stay clean.
/// </summary>
public static partial class ApiDocumentation
{
    /// <summary>The security scheme's name in <c>components.securitySchemes</c>.</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>The same key as the password of HTTP Basic (any user name), for GIS clients that cannot send a header (QGIS 3.22).</summary>
    public const string BasicScheme = "ApiKeyAsBasicPassword";

    private const string ProblemSchema = "Problem";
    private const string Open311ErrorsSchema = "Open311Errors";

    /// <summary>The tags' descriptions, shown by API browsers above each group of operations.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Security"] = "Who the caller is: the key's name, roles, district scopes and the city's clock.",
        ["Keys"] = "API keys: create, list and revoke (administrators).",
        ["Grids"] = "The grid registry: districts → sub-districts → communities → responsibility grids, versioned imports, point location.",
        ["Taxonomy"] = "Case classes of the national standard with their handling units and time limits, and district overrides.",
        ["Components"] = "Component inventory (facilities, river courses, green spaces) with their grids, history and imports.",
        ["Cases"] = "Cases through their life: report, accept, dispatch, handle, verify, close, with deadlines, colours and a hash-chained history.",
        ["Evaluation"] = "The standard's evaluation: indicators, composite scores and grades per area, unit, person and role, with the cases behind each figure.",
        ["Gateways & devices"] = "Field gateways and their devices, alerts received over MQTT and the messages refused (dead letters).",
        ["Patrols"] = "Patrol workers, teams, shifts and rosters; GPS fixes in; live positions, tracks, grid visits and coverage out.",
        ["Hotspots"] = "Hotspot risk per grid from an ML.NET model judged against baselines, with reasons and patrol recommendations.",
        ["Maps"] = "Mapbox vector tiles (grids, components, cases, patrols, risk, heat), TileJSON and the default MapLibre style.",
        ["Open311"] = "Open311 GeoReport v2 for residents' apps: services, requests and their status.",
        ["OGC API Features"] = "OGC API – Features Parts 1–3: collections of grids, components and more, with bbox, CRS, CQL2 filters and sorting.",
        ["Operations"] = "Health checks and metrics for the people who run the service.",
    };

    /// <summary>Registers OpenAPI 3.0 (the version OGC API – Features Part 1 names, conformance class oas30) with these additions.</summary>
    public static IServiceCollection AddSpatialGridOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            o.AddSchemaTransformer((schema, _, _) => { NumbersAsNumbers(schema); return Task.CompletedTask; });
            o.AddOperationTransformer((operation, context, _) => { Describe(operation, context); return Task.CompletedTask; });
            o.AddDocumentTransformer((document, _, _) => { Complete(document); return Task.CompletedTask; });
        });

    /// <summary>
    /// The API reads numbers from JSON strings too (the web defaults), so the generator types every number as
    /// "number or numeric string" (and null), which OpenAPI 3.0 can only write as an <c>anyOf</c> whose null branch
    /// has no type. Answers always carry numbers: document the number, nullable where it is.
    /// </summary>
    internal static void NumbersAsNumbers(OpenApiSchema schema)
    {
        if (schema.Type is not { } type || !type.HasFlag(JsonSchemaType.String)) return;
        var numeric = type.HasFlag(JsonSchemaType.Integer) ? JsonSchemaType.Integer
            : type.HasFlag(JsonSchemaType.Number) ? JsonSchemaType.Number : (JsonSchemaType?)null;
        if (numeric is null) return;
        schema.Type = numeric | (type & JsonSchemaType.Null);
        schema.Pattern = null;
    }

    /// <summary>
    /// A nullable reference comes as <c>oneOf: [null, $ref]</c> (made when the document's schemas are gathered, after
    /// the schema transformers), whose null branch OpenAPI 3.0 cannot type; the 3.0 form is a nullable object that is
    /// all of the reference (every such property here holds a JSON object).
    /// </summary>
    private static void NullableReferences(IOpenApiSchema? node, HashSet<IOpenApiSchema> seen)
    {
        if (node is not OpenApiSchema schema || !seen.Add(schema)) return;
        foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? [])
                     .Concat(schema.OneOf ?? []).Append(schema.Items).Append(schema.AdditionalProperties))
            NullableReferences(child, seen);
        if (schema.OneOf is not { Count: 2 } one) return;
        var others = one.Where(a => !IsNullOnly(a)).ToList();
        if (others.Count != 1) return;
        schema.OneOf = null;
        schema.AllOf = others;
        schema.Type = JsonSchemaType.Object | JsonSchemaType.Null;
    }

    private static bool IsNullOnly(IOpenApiSchema s) =>
        s.Type == JsonSchemaType.Null
        || (s.Type is null && s.Enum is { Count: 1 } e && (e[0] is null || e[0]!.GetValueKind() == System.Text.Json.JsonValueKind.Null));

    /// <summary>An operation's id, the key it needs and the errors it can answer, from its route and metadata.</summary>
    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var description = context.Description;
        var method = description.HttpMethod ?? "GET";
        var path = "/" + (description.RelativePath ?? "").TrimStart('/');
        operation.OperationId ??= OperationId(method, path);

        var metadata = description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        var needsKey = !anonymous && (authorize.Count > 0 || metadata.OfType<AuthorizationPolicy>().Any());
        var needsRole = needsKey && (metadata.OfType<AuthorizationPolicy>().Any()
            || authorize.Any(a => a.Roles is not null || (a.Policy is not null && a.Policy != SecuritySetup.ReadPolicy)));
        // Geography (grids, components, tiles, OGC) is open to read without a key while Security:AnonymousReads is on.
        var anonymousReads = context.ApplicationServices.GetRequiredService<IOptions<SecurityOptions>>().Value.AnonymousReads;
        var keyOptional = path.StartsWith("/open311/", StringComparison.Ordinal)
            || (needsKey && !needsRole && anonymousReads && authorize.Count > 0 && authorize.All(a => a.Policy == SecuritySetup.ReadPolicy));

        // A key is needed, optional (an empty requirement beside the key's), or not asked for (only the empty one).
        var header = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] };
        var basic = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BasicScheme, context.Document)] = [] };
        operation.Security = keyOptional ? [new OpenApiSecurityRequirement(), header, basic]
            : needsKey ? [header, basic]
            : [new OpenApiSecurityRequirement()];

        operation.Responses ??= [];
        if (operation.Responses.Keys.Any(k => k.StartsWith('4'))) return;   // the endpoint declared its own errors
        // Errors of the endpoint's own besides the ones every endpoint of its kind can answer (a 409, a 422): named by it.
        foreach (var answer in metadata.OfType<ProblemAnswer>()) AddError(operation, answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Description, path);
        var open311 = path.StartsWith("/open311/", StringComparison.Ordinal);
        var takesInput = operation.Parameters is { Count: > 0 } || operation.RequestBody is not null || path.Contains('{');
        if (takesInput) AddError(operation, "400", BadRequest, path);
        // Open311's GET answers a caller without a usable key with the public view, never 401; its POST needs a key.
        if ((needsKey && !open311) || (open311 && method == "POST"))
            AddError(operation, "401", keyOptional && !open311 ? "A key that is unknown, revoked or expired (calling without one is allowed)."
                : "No API key, or a key that is unknown, revoked or expired.", path);
        // Open311's POST needs a role that opens cases; an OGC collection of cases, tracks or risk, a case-reading role.
        var roleInside = (open311 && method == "POST") || path.StartsWith("/ogc/collections/{", StringComparison.Ordinal);
        if (needsRole || roleInside) AddError(operation, "403", "The key's role or district scope does not allow this.", path);
        if (path.Contains('{')) AddError(operation, "404", "Nothing with that identifier is visible to the caller.", path);
        else if (open311) AddError(operation, "404", "A jurisdiction_id other than this service's.", path);
        if (operation.RequestBody is not null) AddError(operation, "413", TooLarge, path);
        if (!path.StartsWith("/health", StringComparison.Ordinal) && path != "/metrics")
            AddError(operation, "429", "Too many requests for this key or address; wait as Retry-After says.", path);
    }

    private const string BadRequest = "The request is malformed or a value is out of range; the answer names it.";
    private const string TooLarge = "The body is larger than the service accepts.";
    private const string Unacceptable = "The body is well formed but cannot be accepted (an invalid file or geometry, a state that does not allow it): the answer lists why.";

    /// <summary>An error answer: problem+json, or for Open311 its error array as JSON or XML by the path's extension.</summary>
    private static void AddError(OpenApiOperation operation, string status, string text, string path)
    {
        if (operation.Responses!.ContainsKey(status)) return;   // the endpoint's own words for it come first
        var open311 = path.StartsWith("/open311/", StringComparison.Ordinal);
        var media = !open311 ? "application/problem+json" : path.EndsWith(".xml", StringComparison.Ordinal) ? "text/xml" : "application/json";
        operation.Responses![status] = new OpenApiResponse
        {
            Description = text,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [media] = new() { Schema = new OpenApiSchemaReference(open311 ? Open311ErrorsSchema : ProblemSchema) },
            },
            Headers = status != "401" ? null : new Dictionary<string, IOpenApiHeader>
            {
                ["WWW-Authenticate"] = new OpenApiHeader
                {
                    Description = open311 ? "ApiKey realm=\"SpatialGrid\": the key goes in the api_key field (or X-Api-Key)."
                        : "ApiKey realm=\"SpatialGrid\" and Basic realm=\"SpatialGrid\" (the key as the password, any user name); "
                          + "a browser's script (Sec-Fetch-Mode other than navigate) is offered ApiKey only.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            },
        };
    }

    /// <summary><c>GET /api/grids/{code}/children</c> → <c>getGridsByCodeChildren</c>: stable, unique per method and route.</summary>
    internal static string OperationId(string method, string path)
    {
        var id = new StringBuilder(method.ToLowerInvariant());
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "api") continue;
            // A segment may mix a parameter and literal text: {code}.json → ByCodeJson.
            foreach (var part in RouteParts().Matches(segment).Select(m => m.Value))
            {
                var parameter = part.StartsWith('{');
                var name = parameter ? part.Trim('{', '}').Split(':', '?', '=')[0] : part;
                if (parameter) id.Append("By");
                foreach (var word in name.Split(['-', '_', '.', ' ', '$'], StringSplitOptions.RemoveEmptyEntries))
                    id.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
            }
        }
        return id.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{[^}]*\}|[^{]+")]
    private static partial System.Text.RegularExpressions.Regex RouteParts();

    /// <summary>The document's own parts: title, the key's scheme, error schemas, tag descriptions, server URLs.</summary>
    private static void Complete(OpenApiDocument document)
    {
        document.Info.Title = "SpatialGrid API";
        document.Info.Description = "Grid-based city management: grids, components, cases with deadlines, device alerts, patrols, " +
            "hotspot risk, evaluation, vector tiles, OGC API – Features and Open311. Send the API key in the X-Api-Key header " +
            "(`sgrid keys create` makes one); every error is problem+json with a stable `type` (urn:spatialgrid:problem:KIND).";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Api-Key",
            Description = "An API key (sgk_…), also accepted as `Authorization: ApiKey <key>` or `Bearer <key>`. " +
                "Its roles decide what it may do; its district scopes what it sees.",
        };
        document.Components.SecuritySchemes[BasicScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "The API key as the password of HTTP Basic, with any user name: for GIS clients that cannot add a header (QGIS 3.22's OAPIF).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details; `type` is urn:spatialgrid:problem:KIND, stable for programs to test.",
            Required = new HashSet<string> { "type", "title", "status" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "urn:spatialgrid:problem:KIND" },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What was wrong, naming the field or value." },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The correlation id, also in the logs." },
            },
            AdditionalPropertiesAllowed = true,
        };
        document.Components.Schemas[Open311ErrorsSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Description = "GeoReport v2 errors: a code and a description each.",
            Items = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["code"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                    ["description"] = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            },
        };

        // A body documented by the endpoint's own transformer (a form, an upload) is added after ours ran: its errors here.
        foreach (var (path, item) in document.Paths ?? [])
            foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                if (operation.RequestBody is null || operation.Responses is null) continue;
                if (!operation.Responses.ContainsKey("400")) AddError(operation, "400", BadRequest, path);
                if (!operation.Responses.ContainsKey("413")) AddError(operation, "413", TooLarge, path);
                if (!operation.Responses.ContainsKey("422") && !path.StartsWith("/open311/", StringComparison.Ordinal))
                    AddError(operation, "422", Unacceptable, path);
            }

        var seen = new HashSet<IOpenApiSchema>(ReferenceEqualityComparer.Instance);
        foreach (var schema in document.Components.Schemas.Values) NullableReferences(schema, seen);
        foreach (var path in document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>())
            foreach (var operation in path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                foreach (var parameter in operation.Parameters ?? []) NullableReferences(parameter.Schema, seen);
                var bodies = operation.RequestBody?.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>();
                var answers = (operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>())
                    .SelectMany(r => r.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>());
                foreach (var media in bodies.Concat(answers)) NullableReferences(media.Schema, seen);
            }

        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var tag in document.Tags)
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var text)) tag.Description ??= text;

        foreach (var server in document.Servers ?? [])
            if (server.Url is { Length: > 1 } url && url.EndsWith('/')) server.Url = url.TrimEnd('/');
    }
}

/// <summary>An error an endpoint can answer besides those of every endpoint of its kind, in its own words (the OpenAPI document lists it).</summary>
public sealed record ProblemAnswer(int Status, string Description);

public static class ProblemAnswers
{
    /// <summary>Documents a problem+json answer of this endpoint's own: <c>.Answers(422, "Too little history to train on; the answer says how much is needed.")</c>.</summary>
    public static TBuilder Answers<TBuilder>(this TBuilder builder, int status, string description) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProblemAnswer(status, description));
}
