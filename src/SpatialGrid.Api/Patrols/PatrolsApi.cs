using SpatialGrid.Api.Ingestion;
using SpatialGrid.Api.Security;

namespace SpatialGrid.Api.Patrols;

/// <summary>Patrols over HTTP: positions in, the organisation (workers, teams, shifts, roster), and what the centre asks.</summary>
public static class PatrolsApi
{
    public static IServiceCollection AddPatrols(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PatrolsOptions>().Bind(configuration.GetSection("Patrols"))
            .Validate(o => o.IsValid(), "Patrols options are out of range (MaxFixesPerBatch 1..100000, positive limits, RetentionDays >= 0)")
            .ValidateOnStart();
        services.AddSingleton<GpsPartitions>();
        services.AddSingleton<PatrolCellsCache>();
        services.AddSingleton<PatrolRoadsCache>();
        services.AddSingleton<ShiftWatch>();
        services.AddSingleton<PositionWriter>();
        services.AddSingleton<PositionPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<PositionPipeline>());
        services.AddSingleton<IGatewayTopic, GpsTopic>();
        return services;
    }

    private const string UnknownFilter = "A team or shift that is unknown, or of a district outside the caller's, is 404 (team-not-found, shift-not-found), not an empty list.";

    public static IEndpointRouteBuilder MapPatrols(this IEndpointRouteBuilder app)
    {
        var positions = app.MapGroup("/api/patrols").WithTags("Patrols").RequireAuthorization(SecuritySetup.CaseWorkerPolicy);
        positions.MapPost("/positions", PositionsEndpoint.Post).Accepts<object>("application/json")
            .WithSummary("A batch of GPS fixes ({\"fixes\":[{worker, t, lon, lat, accuracy, speed, heading, battery, crs}]}, as on sg/v1/gw/{id}/gps): valid fixes stored, each refused one named")
            .WithDescription("A key bound to a patrol worker (worker on the key) sends only that worker's fixes: a batch naming another " +
                "worker is refused whole, 403 not-your-worker. An unbound key (a team's gateway or app) may send fixes of any worker of its districts.");

        var manage = app.MapGroup("/api/patrols").WithTags("Patrols").RequireAuthorization(SecuritySetup.PatrolManagerPolicy);
        manage.MapPost("/teams", PatrolOrganisation.PutTeams).WithSummary("Create or update teams (one or an array): id, name, district, subDistrict");
        manage.MapPost("/workers", PatrolOrganisation.PutWorkers).WithSummary("Create or update workers (one or an array): id, name, team, role grid-worker|supervisor, deviceId, district");
        manage.MapDelete("/workers/{id}", PatrolOrganisation.DeactivateWorker).WithSummary("Deactivate a worker: their fixes are refused from now on, their history is kept");
        manage.MapPost("/shifts", PatrolOrganisation.PutShifts).WithSummary("Create or update shift templates: code, name, district, starts/ends (HH:mm local; an end before the start runs past midnight), grids");
        manage.MapPost("/roster", PatrolOrganisation.PutRoster).WithSummary("Put workers on shifts on days: [{day, worker, shift}]");

        var read = app.MapGroup("/api/patrols").WithTags("Patrols").RequireAuthorization(SecuritySetup.CaseReaderPolicy);
        read.MapGet("/teams", PatrolOrganisation.Teams).WithSummary("Teams in the caller's districts");
        read.MapGet("/workers", PatrolOrganisation.Workers).WithSummary("Workers in the caller's districts (filter by team, role, text; paged)");
        read.MapGet("/shifts", PatrolOrganisation.Shifts).WithSummary("Shift templates in the caller's districts");
        read.MapGet("/roster", PatrolOrganisation.Roster).WithSummary("Who is on which shift on a day (date=YYYY-MM-DD)");
        read.MapGet("/live", PatrolReports.Live).WithSummary("Each worker's last clean fix, its grid and age (onShift=true: only workers rostered now)");
        read.MapGet("/tracks", PatrolReports.Tracks)
            .WithSummary("A worker's track from..to as GeoJSON LineStrings split into trips at gaps, with the time of each vertex (tolerance: simplify, metres)");
        read.MapGet("/coverage", PatrolReports.Coverage)
            .WithSummary("Per grid on a day: minutes inside, distance, distinct workers, first and last visit, road length and the share of it walked (filter by grid prefix, team, shift; format=csv)")
            .WithDescription(UnknownFilter);
        read.MapGet("/unvisited", PatrolReports.Unvisited).WithSummary("The grids of a day's shifts (or of the caller's districts) that nobody visited")
            .WithDescription(UnknownFilter);
        read.MapGet("/workers/{id}/day", PatrolReports.WorkerDay)
            .WithSummary("One worker's day: grids visited with time and distance, time inside their shift's grids, cases reported and verified");
        return app;
    }
}
