namespace SpatialGrid.Core.Patrols;

/// <summary>
/// Turns one worker's clean track into grid visits and walked pieces. Pure and incremental: the state in, the new state,
/// closed visits and pieces out; walking the fixes over several calls gives the same visits and pieces as one call.
/// <para>
/// Between two fixes the worker is taken to walk the straight segment at even speed: the segment is split by cells and
/// its time split by length inside each, so a walk that crosses a grid between two fixes counts as a visit to it, even
/// when fixes are sparser than the grids are wide. Distances are <see cref="GroundDistance"/>'s (degrees scaled at the
/// segment's mid-latitude).
/// </para>
/// </summary>
public static class VisitTracker
{
    /// <summary>
    /// Walks ONE worker's clean fixes (time order) from the state; a fix not later than the last one walked is skipped.
    /// Gaps beyond GapLimit, and restarts of the track (<see cref="TrackPoint.Restart"/>), close the open visit at the
    /// last fix and are not walked.
    /// </summary>
    public static VisitStep Advance(PatrolCells cells, VisitState? state, IReadOnlyList<TrackPoint> cleanFixes, VisitRules rules)
    {
        var walk = new Walk(cells, rules, state);
        foreach (var point in cleanFixes) walk.Step(point);
        return new VisitStep(walk.State, walk.Closed, walk.Pieces) { Segments = walk.Segments };
    }

    private sealed class Walk(PatrolCells cells, VisitRules rules, VisitState? state)
    {
        private TrackPoint? _last = state?.Last;
        private OpenVisit? _open = state?.Open;
        private Excursion? _excursion = state?.Excursion;
        public readonly List<GridVisit> Closed = [];
        public readonly List<VisitPiece> Pieces = [];
        public readonly List<WalkedSegment> Segments = [];

        public VisitState? State => _last is null ? null : new VisitState(_last, _open) { Excursion = _excursion };

        public void Step(TrackPoint point)
        {
            if (_last is null)
            {
                Start(point);
                return;
            }
            if (point.T <= _last.T) return;
            if (point.T - _last.T > rules.GapLimit || point.Restart)
            {
                // No data: the worker's way is unknown, so the visit ends where they were last seen.
                EndExcursionAsJitter();
                if (_open is not null) Close(_open.LastAt);
                Start(point);
                return;
            }
            var (from, ticks) = (_last.T, (point.T - _last.T).Ticks);
            var metres = GroundDistance.Metres(_last.Lon, _last.Lat, point.Lon, point.Lat);
            foreach (var piece in cells.Split(_last.Lon, _last.Lat, point.Lon, point.Lat))
            {
                var share = piece.To - piece.From;
                Walked(piece.Code, from.AddTicks((long)Math.Round(ticks * piece.From)), from.AddTicks((long)Math.Round(ticks * piece.To)),
                    share * ticks / TimeSpan.TicksPerSecond, share * metres);
            }
            Segments.Add(new WalkedSegment(_last, point));
            _last = point;
        }

        private void Start(TrackPoint point)
        {
            _last = point;
            _excursion = null;
            _open = cells.Locate(point.Lon, point.Lat) is { } code ? new OpenVisit(code, point.T, point.T, 0, 0) : null;
        }

        /// <summary>A stretch walked inside one cell (or outside all): to the open visit, or to a pending excursion.</summary>
        private void Walked(string? code, DateTimeOffset from, DateTimeOffset to, double seconds, double metres)
        {
            if (_excursion is null)
            {
                if (code == _open?.GridCode)
                {
                    AddToOpen(from, to, seconds, metres);
                    return;
                }
                _excursion = new Excursion(code, from, from, 0, 0);
            }
            else if (code != _excursion.GridCode)
            {
                // The excursion ended before it was long or long enough to count: back to the open visit first.
                EndExcursionAsJitter();
                Walked(code, from, to, seconds, metres);
                return;
            }

            // Rule: a stay in another cell becomes a visit once it reaches MinVisitMetres or MinDwell; shorter than
            // both it is the fix wandering over a border, and it is credited to the cell the worker is in.
            var e = _excursion;
            if (e.Metres + metres >= rules.MinVisitMetres || e.Seconds + seconds >= rules.MinDwell.TotalSeconds)
            {
                _excursion = null;
                if (_open is not null) Close(e.EnteredAt);
                _open = e.GridCode is null ? null : new OpenVisit(e.GridCode, e.EnteredAt, e.EnteredAt, 0, 0);
                AddToOpen(e.EnteredAt, e.LastAt, e.Seconds, e.Metres);
                AddToOpen(from, to, seconds, metres);
            }
            else
            {
                _excursion = e with { LastAt = to, Seconds = e.Seconds + seconds, Metres = e.Metres + metres };
            }
        }

        private void EndExcursionAsJitter()
        {
            if (_excursion is not { } e) return;
            _excursion = null;
            AddToOpen(e.EnteredAt, e.LastAt, e.Seconds, e.Metres);
        }

        private void AddToOpen(DateTimeOffset from, DateTimeOffset to, double seconds, double metres)
        {
            // Outside every cell nothing is counted; an empty stretch (an excursion just begun) adds nothing.
            if (_open is null || (to == from && seconds == 0 && metres == 0)) return;
            _open = _open with { LastAt = to, Seconds = _open.Seconds + seconds, Metres = _open.Metres + metres };
            AddPieces(_open.GridCode, from, to, seconds, metres);
        }

        private void Close(DateTimeOffset leftAt)
        {
            Closed.Add(new GridVisit(_open!.GridCode, _open.EnteredAt, leftAt, _open.Seconds, _open.Metres));
            _open = null;
        }

        /// <summary>
        /// Rule: a stretch that crosses local midnight (UtcOffset) is split there, time and distance in proportion,
        /// so that the daily roll-up per grid, worker and day adds up exactly to the day.
        /// </summary>
        private void AddPieces(string code, DateTimeOffset from, DateTimeOffset to, double seconds, double metres)
        {
            while (true)
            {
                var local = from.ToOffset(rules.UtcOffset);
                var midnight = new DateTimeOffset(local.Date.AddDays(1), rules.UtcOffset);
                if (midnight >= to)
                {
                    Pieces.Add(new VisitPiece(code, from, to, seconds, metres));
                    return;
                }
                var share = (double)(midnight - from).Ticks / (to - from).Ticks;
                Pieces.Add(new VisitPiece(code, from, midnight, seconds * share, metres * share));
                (from, seconds, metres) = (midnight, seconds * (1 - share), metres * (1 - share));
            }
        }
    }
}
