namespace SpatialGrid.Api.Components;

public static class ComponentsSetup
{
    public static IServiceCollection AddComponents(this IServiceCollection services)
    {
        services.AddSingleton<ComponentStore>();
        services.AddSingleton<Grids.IGridPublishListener, ComponentRelinker>();
        return services;
    }
}
