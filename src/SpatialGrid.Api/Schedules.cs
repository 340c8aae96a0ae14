using Coravel;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Hotspots;
using SpatialGrid.Api.Patrols;

namespace SpatialGrid.Api;

/// <summary>Every scheduled job of the service, in one place. Each takes an advisory lock, so it runs once across instances.</summary>
public static class Schedules
{
    public static IServiceCollection AddSchedules(this IServiceCollection services)
    {
        services.AddScheduler();
        services.AddTransient<ColourSweep>();
        services.AddTransient<TaskSweep>();
        services.AddTransient<GpsRetention>();
        return services;
    }

    /// <summary>Each job can be switched off by options (an instance that only serves reads; tests that drive the job themselves).</summary>
    public static void UseSchedules(this WebApplication app)
    {
        var cases = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CasesOptions>>().Value;
        var hotspots = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HotspotsOptions>>().Value;
        app.Services.UseScheduler(s =>
        {
            if (cases.ColourSweepEnabled) s.Schedule<ColourSweep>().EveryMinute().PreventOverlapping(nameof(ColourSweep));
            // Confirm and check tasks follow the roster: a supervisor going off shift hands theirs on (#22).
            if (cases.TaskSweepEnabled) s.Schedule<TaskSweep>().EveryMinute().PreventOverlapping(nameof(TaskSweep));
            // Raw fixes past their retention go by the day, at a quiet hour (UTC 19:00 is 03:00 in the city).
            s.Schedule<GpsRetention>().DailyAtHour(19).PreventOverlapping(nameof(GpsRetention));
            // Hotspot risk for the new day, once the day before is complete.
            if (hotspots.NightlyEnabled) s.Schedule<HotspotNightly>().DailyAtHour(hotspots.NightlyHourUtc).PreventOverlapping(nameof(HotspotNightly));
        });
    }
}
