using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// Request bodies that an endpoint reads by hand (uploads, Open311's form, a GeoJSON Feature) are invisible to the
/// OpenAPI generator; these describe them, so that generated clients and API browsers can send them.
/// </summary>
public static class OpenApiForms
{
    /// <summary>A form field: its name, JSON schema type (a file when <c>binary</c>), whether required, and what it is.</summary>
    public sealed record Field(string Name, JsonSchemaType Type, string Description, bool Required = false, bool Binary = false);

    /// <summary>Documents a form body of the given media types (multipart/form-data, application/x-www-form-urlencoded).</summary>
    public static RouteHandlerBuilder AcceptsForm(this RouteHandlerBuilder builder, string[] mediaTypes, params Field[] fields) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)new OpenApiSchema
                {
                    Type = f.Type, Format = f.Binary ? "binary" : null, Description = f.Description,
                }),
                Required = fields.Where(f => f.Required).Select(f => f.Name).ToHashSet(),
            };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = mediaTypes.ToDictionary(m => m, _ => new OpenApiMediaType { Schema = schema }),
            };
            return Task.CompletedTask;
        });

    /// <summary>A query parameter read by hand, for an operation transformer to add.</summary>
    public static OpenApiParameter Query(string name, JsonSchemaType type, string description) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = new OpenApiSchema { Type = type } };

    /// <summary>Documents a query parameter the endpoint reads by hand.</summary>
    public static RouteHandlerBuilder DocumentsQuery(this RouteHandlerBuilder builder, string name, JsonSchemaType type, string description) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            (operation.Parameters ??= []).Add(Query(name, type, description));
            return Task.CompletedTask;
        });

    /// <summary>Documents a JSON body described in words (a GeoJSON Feature, whose geometry is any GeoJSON geometry).</summary>
    public static RouteHandlerBuilder AcceptsJson(this RouteHandlerBuilder builder, string mediaType, string description) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { [mediaType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } },
            };
            return Task.CompletedTask;
        });
}
