using Microsoft.Extensions.Options;

namespace SpatialGrid.Api.Grids;

public static class GridsSetup
{
    public static IServiceCollection AddGrids(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GridsOptions>().Bind(configuration.GetSection("Grids"))
            .Validate(o => o.IsValid(), "Grids options are not valid (MaxUploadBytes > 0, MaxVertices >= 4, ServiceArea = minLon,minLat,maxLon,maxLat)")
            .ValidateOnStart();
        services.AddSingleton<GridStore>();
        services.AddSingleton<GridRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<GridRegistry>());
        // Multipart bodies may reach the import cap; the endpoint checks the exact limit itself.
        services.AddOptions<Microsoft.AspNetCore.Http.Features.FormOptions>().Configure<IOptions<GridsOptions>>((form, grids) =>
            form.MultipartBodyLengthLimit = grids.Value.MaxUploadBytes + 1024 * 1024);
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>().Configure<IOptions<GridsOptions>>((kestrel, grids) =>
            kestrel.Limits.MaxRequestBodySize = grids.Value.MaxUploadBytes + 1024 * 1024);
        return services;
    }
}
