using SpatialGrid.Api.Data;
using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Cases;

/// <summary>Appends events to a case's chain and keeps the case's colour crossings in step with its stages.</summary>
public static class CaseHistory
{
    /// <summary>PostgreSQL keeps microseconds: hash what will be stored, or the chain would not verify after a round trip.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    public static CaseEvent Append(Case c, DateTimeOffset at, string by, string action, CaseState from, CaseState to, string? note, string? data)
    {
        var sequence = c.EventCount + 1;
        var fromName = sequence == 1 ? "none" : CaseNames.Name(from);
        var hash = CaseHash.Of(c.LastHash, c.Number, sequence, at, by, action, fromName, CaseNames.Name(to), note, data);
        var e = new CaseEvent
        {
            CaseId = c.Id, CaseNumber = c.Number, Sequence = sequence, At = at, By = by, Action = action,
            FromState = fromName, ToState = CaseNames.Name(to), Note = note, Data = data, PreviousHash = c.LastHash, Hash = hash,
        };
        c.EventCount = sequence;
        c.LastHash = hash;
        return e;
    }

    /// <summary>Recomputes when the case turns yellow and red, and the colour already announced (the present one).</summary>
    public static void Recolour(Case c, DateTimeOffset now, WorkCalendar calendar) =>
        SetDeadlines(c, CaseTimeline.Deadlines(CaseViews.Times(c), CaseViews.Limits(c), now, calendar));

    public static void SetDeadlines(Case c, CaseDeadlines d)
    {
        (c.YellowAt, c.RedAt, c.NotifiedColour) = (d.YellowAt, d.RedAt, d.Colour);
        (c.DispatchDue, c.ArrivalDue, c.FeedbackDue, c.CloseDue) = (d.DispatchDue, d.ArrivalDue, d.FeedbackDue, d.CloseDue);
    }

    /// <summary>Checks a case's chain: the index of the first event whose hash does not match, or null when intact.</summary>
    public static int? FirstBroken(IReadOnlyList<CaseEvent> events)
    {
        var previous = CaseHash.Genesis;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var expected = CaseHash.Of(previous, e.CaseNumber, e.Sequence, e.At, e.By, e.Action, e.FromState, e.ToState, e.Note, e.Data);
            if (e.Sequence != i + 1 || e.PreviousHash != previous || e.Hash != expected) return e.Sequence;
            previous = e.Hash;
        }
        return null;
    }
}
