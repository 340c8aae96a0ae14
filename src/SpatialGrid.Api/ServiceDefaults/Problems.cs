using Microsoft.AspNetCore.Http.HttpResults;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>RFC 7807 problem+json answers with a stable <c>type</c> per kind of error.</summary>
public static class Problems
{
    public const string TypePrefix = "urn:spatialgrid:problem:";

    public static ProblemHttpResult Create(int status, string kind, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + kind, extensions: extensions);

    /// <summary>A refusal decided in Core (a kind, a status, a detail), with the title its status has everywhere else.</summary>
    public static ProblemHttpResult Of(int status, string kind, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        Create(status, kind, status switch
        {
            StatusCodes.Status403Forbidden => "Forbidden",
            StatusCodes.Status404NotFound => "Not found",
            StatusCodes.Status409Conflict => "Conflict",
            StatusCodes.Status422UnprocessableEntity => "The content cannot be accepted",
            _ => "The request is not valid",
        }, detail, extensions?.ToDictionary());

    public static ProblemHttpResult BadRequest(string kind, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status400BadRequest, kind, "The request is not valid", detail, extensions);

    public static ProblemHttpResult NotFound(string kind, string detail) =>
        Create(StatusCodes.Status404NotFound, kind, "Not found", detail);

    public static ProblemHttpResult Conflict(string kind, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, kind, "Conflict", detail, extensions);

    public static ProblemHttpResult Unprocessable(string kind, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status422UnprocessableEntity, kind, "The content cannot be accepted", detail, extensions);

    public static ProblemHttpResult TooLarge(string detail) =>
        Create(StatusCodes.Status413PayloadTooLarge, "too-large", "The request is too large", detail);
}
