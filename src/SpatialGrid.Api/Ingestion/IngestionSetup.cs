namespace SpatialGrid.Api.Ingestion;

public static class IngestionSetup
{
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestionOptions>().Bind(configuration.GetSection("Ingestion"))
            .Validate(o => o.IsValid(), "Ingestion options are out of range (Mode, Port, TlsPort with an existing CertificatePath, MaxPayloadBytes, MaxPacketBytes (at least MaxPayloadBytes), RatePerSecond, MaxBatch, QueueCapacity, BindAddress)")
            .ValidateOnStart();
        services.AddSingleton<GatewayStats>();
        services.AddSingleton<MosquittoFiles>();
        services.AddSingleton<DeviceRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceRegistry>());
        services.AddSingleton<DeviceTypeTable>();
        services.AddSingleton<AlertWriter>();
        services.AddSingleton<AlertPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertPipeline>());
        services.AddSingleton<EmbeddedBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        services.AddSingleton<ExternalBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<ExternalBroker>());
        return services;
    }
}
