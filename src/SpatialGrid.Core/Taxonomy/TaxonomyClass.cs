namespace SpatialGrid.Core.Taxonomy;

/// <summary>Component classes are fixed assets; event classes are things that happen.</summary>
public enum ClassKind
{
    Component = 1,
    Event = 2,
}

/// <summary>The geometry a component of a class must have; events take any.</summary>
public enum GeometryKind
{
    Any = 0,
    Point = 1,
    Line = 2,
    Polygon = 3,
}

/// <summary>The clock a limit runs on (and the unit of its value).</summary>
public enum ClockKind
{
    /// <summary>Round-the-clock minutes (dispatch, arrival).</summary>
    Minutes = 5,
    /// <summary>Urgent: every hour counts, nights and holidays included.</summary>
    RoundTheClockHours = 1,
    /// <summary>Hours inside the working hours of working days.</summary>
    WorkingHours = 2,
    /// <summary>Whole working days (weekends and public holidays skipped, make-up working days counted).</summary>
    WorkingDays = 3,
    /// <summary>Calendar days.</summary>
    CalendarDays = 4,
}

/// <summary>A limit: a value on a clock.</summary>
public readonly record struct TimeLimit(int Value, ClockKind Clock)
{
    public override string ToString() => $"{Value} {ClockNames.Name(Clock)}";
}

/// <summary>One minor class of the taxonomy with its handling unit and the limits of each stage.</summary>
public sealed record TaxonomyClass(
    string Code,
    ClassKind Kind,
    string MajorCode,
    string MajorZh,
    string MajorEn,
    string NameZh,
    string NameEn,
    GeometryKind Geometry,
    string UnitZh,
    string UnitEn,
    TimeLimit Dispatch,
    TimeLimit Arrival,
    TimeLimit Feedback,
    TimeLimit Close);

public static class ClockNames
{
    public static string Name(ClockKind clock) => clock switch
    {
        ClockKind.Minutes => "minutes",
        ClockKind.RoundTheClockHours => "round-the-clock-hours",
        ClockKind.WorkingHours => "working-hours",
        ClockKind.WorkingDays => "working-days",
        _ => "calendar-days",
    };

    public static bool TryParse(string? text, out ClockKind clock)
    {
        clock = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "minutes": clock = ClockKind.Minutes; return true;
            case "round-the-clock-hours": clock = ClockKind.RoundTheClockHours; return true;
            case "working-hours": clock = ClockKind.WorkingHours; return true;
            case "working-days": clock = ClockKind.WorkingDays; return true;
            case "calendar-days": clock = ClockKind.CalendarDays; return true;
            default: return false;
        }
    }

    public static string Name(GeometryKind kind) => kind switch
    {
        GeometryKind.Point => "point",
        GeometryKind.Line => "line",
        GeometryKind.Polygon => "polygon",
        _ => "any",
    };

    public static bool TryParse(string? text, out GeometryKind kind)
    {
        kind = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "point": kind = GeometryKind.Point; return true;
            case "line": kind = GeometryKind.Line; return true;
            case "polygon": kind = GeometryKind.Polygon; return true;
            case "any": kind = GeometryKind.Any; return true;
            default: return false;
        }
    }
}
