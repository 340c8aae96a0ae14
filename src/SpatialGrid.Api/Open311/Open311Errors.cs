using Microsoft.Extensions.Options;

namespace SpatialGrid.Api.Open311;

/// <summary>
/// Open311 clients parse errors as the standard's error list (<c>[{"code":400,"description":"…"}]</c>, or
/// <c>&lt;errors&gt;&lt;error&gt;…</c> for an <c>.xml</c> resource), not as problem details. Under <c>/open311</c> every error the
/// framework or the service would write as problem details (a query value that does not bind, a NUL refused at the
/// edge, an address that matches no route) takes that shape instead, in the format of the resource asked for.
/// </summary>
public static class Open311Errors
{
    public static IServiceCollection AddOpen311Errors(this IServiceCollection services)
    {
        // The problem details service asks its writers in order: this one goes first, whatever was registered before.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, Writer>());
        return services;
    }

    private sealed class Writer(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments("/open311");

        public ValueTask WriteAsync(ProblemDetailsContext context)
        {
            // The same customisation as every other problem (a binding failure's own status and message).
            options.Value.CustomizeProblemDetails?.Invoke(context);
            var http = context.HttpContext;
            var code = context.ProblemDetails.Status ?? http.Response.StatusCode;
            var description = context.ProblemDetails.Detail ?? context.ProblemDetails.Title ?? "the request cannot be answered";
            return new ValueTask(Open311Answer.Fail(code, description).ExecuteAsync(http));
        }
    }
}
