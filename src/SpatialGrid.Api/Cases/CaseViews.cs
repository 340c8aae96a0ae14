using System.Text.Json;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;
using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Cases;

/// <summary>What the API shows of a case: its fields, its stages with deadlines and time left, its colour, its history.</summary>
public static class CaseViews
{
    public sealed record StageView(string Stage, DateTimeOffset Start, DateTimeOffset Due, DateTimeOffset? EndedAt, bool Running, double Used, string Colour, double MinutesLeft, bool? OnTime);
    public sealed record EventView(int Sequence, DateTimeOffset At, string By, string Action, string From, string To, string? Note, JsonElement? Data, string Hash);
    public sealed record CaseSummary(string Number, string State, string Colour, string ClassCode, string Source, string DistrictCode, string? GridCode, bool Outside,
        string Unit, string Description, DateTimeOffset ReportedAt, DateTimeOffset? RedAt, int AlertCount, int ReworkCount, Geometry Location, uint Version);
    public sealed record CaseDetail(CaseSummary Case, string Kind, DateOnly? PromisedBy, IReadOnlyList<string> GridPath, string? ComponentCode, string? LeadUnit, string[] CoUnits, DateOnly? ReviewDate, int? Satisfaction,
        IReadOnlyList<string> AllowedActions, IReadOnlyList<StageView> Stages, IReadOnlyList<EventView> History, string? DeviceId = null, string? AlertType = null,
        DateTimeOffset? LastAlertAt = null, FieldReporterView? Reporter = null);

    /// <summary>The patrol worker who reported the case, and where their phone was at the fix nearest the report.</summary>
    public sealed record FieldReporterView(string Worker, DateTimeOffset? FixAt, double? Lon, double? Lat);

    public static CaseLimits Limits(Case c) => new(new TimeLimit(c.DispatchValue, c.DispatchClock), new TimeLimit(c.ArrivalValue, c.ArrivalClock),
        new TimeLimit(c.FeedbackValue, c.FeedbackClock), new TimeLimit(c.CloseValue, c.CloseClock));

    public static CaseTimes Times(Case c) => new(c.State, c.ReportedAt, c.DispatchedAt, c.ArrivedAt, c.HandledAt, c.ClosedAt);

    public static string Name(Colour colour) => colour.ToString().ToLowerInvariant();

    public static string Name(CaseSource source) => source == CaseSource.SelfHandled ? "self" : source.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out CaseSource source)
    {
        source = default;
        foreach (var s in Enum.GetValues<CaseSource>())
        {
            if (Name(s) == text) { source = s; return true; }
        }
        return false;
    }

    public static CaseSummary Summary(Case c, DateTimeOffset now, WorkCalendar calendar)
    {
        var colour = CaseTimeline.ColourOf(CaseTimeline.Stages(Times(c), Limits(c), now, calendar));
        return new CaseSummary(c.Number, CaseNames.Name(c.State), Name(colour), c.ClassCode, Name(c.Source), c.DistrictCode, c.GridCode, c.Outside,
            c.Unit, c.Description, c.ReportedAt, c.RedAt, c.AlertCount, c.ReworkCount, c.Location, c.Version);
    }

    public static CaseDetail Detail(Case c, IEnumerable<CaseEvent> events, DateTimeOffset now, WorkCalendar calendar)
    {
        var stages = CaseTimeline.Stages(Times(c), Limits(c), now, calendar);
        var path = c.GridCode is null ? [c.DistrictCode] : SpatialGrid.Core.Grids.GridCode.Parse(c.GridCode).Path();
        return new CaseDetail(Summary(c, now, calendar), c.Kind.ToString().ToLowerInvariant(), c.PromisedBy, path, c.ComponentCode, c.LeadUnit, c.CoUnits, c.ReviewDate, c.Satisfaction,
            CaseStateMachine.Allowed(c.State).Select(CaseNames.Name).ToList(),
            stages.Select(s => new StageView(s.Stage.ToString().ToLowerInvariant(), s.Start, s.Due, s.EndedAt, s.Running, Math.Round(s.Used, 4), Name(s.Colour),
                Math.Round((s.Due - now).TotalMinutes, 1), s.EndedAt is null ? null : s.OnTime)).ToList(),
            events.OrderBy(e => e.Sequence).Select(e => new EventView(e.Sequence, e.At, e.By, e.Action, e.FromState, e.ToState, e.Note,
                e.Data is null ? null : JsonDocument.Parse(e.Data).RootElement.Clone(), e.Hash)).ToList(), c.DeviceId, c.AlertType, c.LastAlertAt,
            c.ReporterWorker is null ? null : new FieldReporterView(c.ReporterWorker, c.ReporterFixAt, c.ReporterFix?.X, c.ReporterFix?.Y));
    }
}
