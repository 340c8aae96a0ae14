using System.Globalization;

namespace SpatialGrid.Hotspots;

/// <summary>
/// The shifts of a day, in the city's local time: together exactly the 24 hours, none overlapping. Written as start
/// times ("00:00,08:00,16:00": each shift runs to the next start, the last one round to the first) or as ranges
/// ("06:00-14:00,14:00-22:00,22:00-06:00", which must cover the day once). A shift that runs past midnight belongs to the
/// day it starts on: with a 22:00–06:00 shift an event at 02:00 on the 3rd is counted in the 2nd's night shift, so every
/// shift of a day starts after the shifts of the days before it have ended.
/// </summary>
public sealed class ShiftSpec
{
    public const string DefaultText = "00:00,08:00,16:00";
    public const int MaxShifts = 24;
    private const int DayMinutes = 24 * 60;

    /// <summary>Each shift's start in minutes after midnight, ascending.</summary>
    public IReadOnlyList<int> Starts { get; }
    public int Count => Starts.Count;

    public static ShiftSpec Default { get; } = Parse(DefaultText);

    private ShiftSpec(int[] starts) => Starts = starts;

    /// <summary>"16:00–24:00", "22:00–06:00".</summary>
    public string Label(int slot)
    {
        var end = slot + 1 < Count ? Starts[slot + 1] : Starts[0];
        return $"{Hm(Starts[slot])}–{(end == 0 ? "24:00" : Hm(end))}";
    }

    public override string ToString() => string.Join(", ", Enumerable.Range(0, Count).Select(Label));

    /// <summary>The shift of an event at <paramref name="minute"/> after midnight, and −1 when that shift began the day before.</summary>
    public (int DayShift, int Slot) Of(int minute)
    {
        if (minute < Starts[0]) return (-1, Count - 1);
        var slot = 0;
        while (slot + 1 < Count && Starts[slot + 1] <= minute) slot++;
        return (0, slot);
    }

    public static ShiftSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Bad(text, "it is empty; give start times like 00:00,08:00,16:00 or ranges like 06:00-14:00,14:00-22:00,22:00-06:00");
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > MaxShifts) throw Bad(text, $"{parts.Length} shifts, at most {MaxShifts}");
        var ranges = parts.Count(p => p.Contains('-') || p.Contains('–'));
        if (ranges > 0 && ranges < parts.Length) throw Bad(text, "give either start times (08:00) or ranges (08:00-16:00), not both");
        return ranges == 0 ? FromStarts(text, parts) : FromRanges(text, parts);
    }

    private static ShiftSpec FromStarts(string text, string[] parts)
    {
        var starts = parts.Select(p => Minute(text, p, allowMidnightEnd: false)).ToArray();
        if (starts.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw Bad(text, $"two shifts start at {Hm(twice.Key)}: the shifts overlap");
        Array.Sort(starts);
        return new ShiftSpec(starts);
    }

    private static ShiftSpec FromRanges(string text, string[] parts)
    {
        var cover = new int[DayMinutes];
        var starts = new List<int>();
        foreach (var part in parts)
        {
            var ends = part.Split(['-', '–'], StringSplitOptions.TrimEntries);
            if (ends.Length != 2) throw Bad(text, $"'{Clip(part)}' is not a range HH:mm-HH:mm");
            var from = Minute(text, ends[0], allowMidnightEnd: false);
            var to = Minute(text, ends[1], allowMidnightEnd: true);
            var length = ((to - from) % DayMinutes + DayMinutes) % DayMinutes;
            if (length == 0 && !(from == 0 && to == DayMinutes)) throw Bad(text, $"'{Clip(part)}' is an empty shift");
            if (length == 0) length = DayMinutes;
            for (var m = 0; m < length; m++) cover[(from + m) % DayMinutes]++;
            starts.Add(from);
        }
        if (Run(cover, n => n > 1) is { } overlap) throw Bad(text, $"the shifts overlap: {overlap} is in more than one shift");
        if (Run(cover, n => n == 0) is { } gap) throw Bad(text, $"the shifts do not cover the 24 hours: {gap} is in no shift");
        starts.Sort();
        return new ShiftSpec([.. starts]);
    }

    /// <summary>The first run of minutes whose cover count matches, as "08:00–09:00".</summary>
    private static string? Run(int[] cover, Func<int, bool> match)
    {
        var start = Array.FindIndex(cover, n => match(n));
        if (start < 0) return null;
        var end = start;
        while (end < DayMinutes && match(cover[end])) end++;
        return $"{Hm(start)}–{(end == DayMinutes ? "24:00" : Hm(end))}";
    }

    private static int Minute(string text, string part, bool allowMidnightEnd)
    {
        if (allowMidnightEnd && part == "24:00") return DayMinutes;
        if (part.Length is >= 4 and <= 5 && TimeOnly.TryParseExact(part, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            return t.Hour * 60 + t.Minute;
        throw Bad(text, $"'{Clip(part)}' is not a time of day HH:mm (00:00 to 23:59{(allowMidnightEnd ? ", or 24:00 as an end" : "")})");
    }

    private static string Hm(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    private static string Clip(string s) => EventsCsv.Clip(s);

    private static HotspotInputException Bad(string? text, string why) => new($"the shifts '{Clip(text ?? "")}' cannot be used: {why}");
}
