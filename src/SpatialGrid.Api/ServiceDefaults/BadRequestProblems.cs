using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// problem+json for every error, and a precise one for requests the framework cannot bind: a body that is not
/// JSON, a field of the wrong type, a query value that is not a number. Other server errors keep their details
/// to the log.
/// </summary>
public static partial class BadRequestProblems
{
    public static IServiceCollection AddBadRequestProblems(this IServiceCollection services)
    {
        // Binding failures are thrown, so the exception handler can say what failed.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var error = context.HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (error is null && context.ProblemDetails.Status == 413 && context.ProblemDetails.Type?.StartsWith(Problems.TypePrefix, StringComparison.Ordinal) != true)
            {
                // The body cap stopped the read before any handler ran (the status code pages write this answer).
                context.ProblemDetails.Type = Problems.TypePrefix + "too-large";
                context.ProblemDetails.Title = "The request is too large";
                context.ProblemDetails.Detail = RequestLimits.BodyCapDetail(context.HttpContext);
                return;
            }
            if (error is not BadHttpRequestException bad) return;
            bad = TooLarge(bad) ?? bad;
            context.HttpContext.Response.StatusCode = bad.StatusCode;
            context.ProblemDetails.Status = bad.StatusCode;
            context.ProblemDetails.Type = Problems.TypePrefix + (bad.StatusCode == 413 ? "too-large" : "bad-request");
            context.ProblemDetails.Title = "The request is not valid";
            // The framework's message names the parameter and what was expected; the JSON reader's adds where it broke.
            context.ProblemDetails.Detail = bad.InnerException is System.Text.Json.JsonException json
                ? $"{bad.Message} {json.Message}{(json.Path is { Length: > 0 } path && !json.Message.Contains("Path:") ? $" Path: {path}." : "")}"
                : Readable(bad.Message);
        });
        services.AddExceptionHandler<BadRequestStatus>();
        // A client's mistake is answered, not logged as a server error with its stack trace: hostile input would
        // otherwise flood the log (and the error metrics) at will. It is logged at Debug by the handler below.
        services.Configure<ExceptionHandlerOptions>(o => o.SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException);
        return services;
    }

    /// <summary>
    /// The binder's "Failed to bind parameter "Nullable&lt;DateTimeOffset&gt; from" from "yesterday"." told as a person would:
    /// the parameter, what it takes, and the value given (other messages pass unchanged).
    /// </summary>
    internal static string Readable(string message)
    {
        var m = BindFailure().Match(message);
        if (!m.Success) return message;
        var type = m.Groups["type"].Value;
        var takes = type switch
        {
            "DateTimeOffset" or "DateTime" => "a date and time in ISO 8601 with its offset (2026-11-30T08:00:00+08:00)",
            "DateOnly" => "a date YYYY-MM-DD",
            "TimeOnly" => "a time HH:mm",
            "int" or "Int32" or "long" or "Int64" or "short" or "Int16" => "a whole number",
            "double" or "Double" or "float" or "Single" or "decimal" or "Decimal" => "a number",
            "bool" or "Boolean" => "true or false",
            "Guid" => "a GUID",
            _ => $"a {type}",
        };
        var value = m.Groups["value"].Value;
        return $"{m.Groups["name"].Value} must be {takes}, not '{(value.Length > 60 ? value[..60] + "…" : value)}'";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^Failed to bind parameter ""(?:Nullable<)?(?<type>[A-Za-z0-9_.]+)>?\[?\]? (?<name>[^""]+)"" from ""(?<value>.*)""\.$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex BindFailure();

    /// <summary>
    /// A JSON body over the endpoint's size cap: the binder reports "failed to read the body" (400) around the server's
    /// 413, which is the real reason.
    /// </summary>
    private static BadHttpRequestException? TooLarge(BadHttpRequestException bad) =>
        bad.StatusCode != 413 && bad.InnerException is BadHttpRequestException { StatusCode: 413 } inner ? inner : null;

    /// <summary>Gives a thrown BadHttpRequestException its own status (400, 413…) instead of 500, then lets problem details write it.</summary>
    private sealed class BadRequestStatus(ILogger<BadRequestStatus> log) : IExceptionHandler
    {
        public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is BadHttpRequestException bad)
            {
                bad = TooLarge(bad) ?? bad;
                httpContext.Response.StatusCode = bad.StatusCode;
                log.LogDebug("Bad request {Method} {Path}: {Message}", httpContext.Request.Method, httpContext.Request.Path, bad.Message);
            }
            return ValueTask.FromResult(false);
        }
    }
}
