using System.Globalization;
using SpatialGrid.Core.Calendar;

namespace SpatialGrid.Api.Cases;

/// <summary>Options of case handling (section <c>Cases</c>).</summary>
public sealed class CasesOptions
{
    /// <summary>The city's UTC offset in hours (China: 8, no daylight saving).</summary>
    public double UtcOffsetHours { get; set; } = 8;

    /// <summary>Working periods of a working day, local time.</summary>
    public string WorkingHours { get; set; } = "08:30-12:00,13:30-17:30";

    /// <summary>Folder of the yearly calendar files (cn-YYYY.csv); default: the copy of gis-data/calendar beside the binary.</summary>
    public string CalendarFolder { get; set; } = Path.Combine(AppContext.BaseDirectory, "calendar");

    /// <summary>Longest note or description, in characters.</summary>
    public int MaxNoteLength { get; set; } = 4000;

    /// <summary>How far from the case's grid a verifier may stand (GPS error), in metres.</summary>
    public double VerifyToleranceM { get; set; } = 30;

    /// <summary>How far a case may lie from a component of its class to be tied to it, in metres.</summary>
    public double ComponentSearchM { get; set; } = 30;

    /// <summary>Run the colour sweep each minute in this instance (it takes a lock, so several instances may).</summary>
    public bool ColourSweepEnabled { get; set; } = true;

    /// <summary>Run the task sweep each minute (reroutes confirm and check tasks whose supervisor went off shift; it takes a lock).</summary>
    public bool TaskSweepEnabled { get; set; } = true;

    /// <summary>How far in the past a report's own timestamp may lie (an offline patrol phone), in days.</summary>
    public int MaxBackdateDays { get; set; } = 7;

    public IReadOnlyList<WorkPeriod> Periods() => WorkingHours.Split(',').Select(p =>
    {
        var parts = p.Trim().Split('-');
        return new WorkPeriod(TimeOnly.Parse(parts[0], CultureInfo.InvariantCulture), TimeOnly.Parse(parts[1], CultureInfo.InvariantCulture));
    }).ToList();

    public bool IsValid()
    {
        try { return Periods().Count > 0 && Periods().All(p => p.End > p.Start) && UtcOffsetHours is >= -12 and <= 14 && MaxNoteLength > 0; }
        catch (FormatException) { return false; }
        catch (IndexOutOfRangeException) { return false; }
    }
}

/// <summary>The working-day calendar built once from the yearly files.</summary>
public sealed class CalendarProvider
{
    public WorkCalendar Calendar { get; }

    public CalendarProvider(Microsoft.Extensions.Options.IOptions<CasesOptions> options, ILogger<CalendarProvider> log)
    {
        var o = options.Value;
        var holidays = new List<DateOnly>();
        var workdays = new List<DateOnly>();
        var files = Directory.Exists(o.CalendarFolder) ? Directory.GetFiles(o.CalendarFolder, "*.csv") : [];
        foreach (var file in files)
        {
            var (h, w, errors) = CalendarCsv.Parse(File.ReadAllText(file));
            if (errors.Count > 0) throw new InvalidOperationException($"{file}: {string.Join("; ", errors)}");
            holidays.AddRange(h);
            workdays.AddRange(w);
        }
        if (files.Length == 0) log.LogWarning("No calendar files in {Folder}: only weekends are non-working", o.CalendarFolder);
        Calendar = new WorkCalendar(holidays, workdays, o.Periods(), TimeSpan.FromHours(o.UtcOffsetHours));
    }
}
