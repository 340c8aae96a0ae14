using NetTopologySuite.Geometries;
using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>Bad input to the engine: each refused with a message that says what is wrong and what would do.</summary>
public class InputTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.NaN)]
    public void A_lattice_size_that_is_not_positive_is_refused(double size)
    {
        var e = Assert.Throws<HotspotInputException>(() => Lattice.Over(SyntheticCity.Square(1000), size));
        Assert.Contains("positive number of metres", e.Message);
    }

    [Fact]
    public void A_one_metre_lattice_is_refused_and_a_fine_one_over_a_city_is_capped_naming_the_smallest_size()
    {
        Assert.Contains("finer than", Assert.Throws<HotspotInputException>(() => Lattice.Over(SyntheticCity.Square(30_000), 1)).Message);
        var e = Assert.Throws<HotspotInputException>(() => Lattice.Over(SyntheticCity.Square(30_000), 60));
        Assert.Contains("the cap is 100,000", e.Message);
        Assert.Contains("use 95 m or more", e.Message);
    }

    [Fact]
    public void A_lattice_has_rook_neighbours_and_exact_areas()
    {
        var cells = Lattice.Over(SyntheticCity.Square(1000), 250);
        Assert.Equal(16, cells.Count);
        Assert.InRange(cells.TotalAreaM2, 999_000, 1_001_000);
        Assert.Equal([1, 4], cells.Neighbours[0].OrderBy(n => n).Select(n => cells.Ids[n] switch { "0_1" => 1, "1_0" => 4, _ => -1 }).Order().ToArray());
        Assert.Equal(4, cells.Neighbours[cells.IndexOf("1_1")].Length);
    }

    [Fact]
    public void Cells_with_the_same_id_or_without_area_are_refused_by_name()
    {
        var sq = SyntheticCity.Square(100);
        Assert.Contains("'a' is given twice", Assert.Throws<HotspotInputException>(() => CellSet.FromPolygons([new("a", sq), new("a", sq)])).Message);
        var line = new GeometryFactory().CreateLineString([new(121, 31), new(121.1, 31)]);
        Assert.Contains("'b' is a LineString", Assert.Throws<HotspotInputException>(() => CellSet.FromPolygons([new("b", line)])).Message);
        Assert.Contains("no cells", Assert.Throws<HotspotInputException>(() => CellSet.FromPolygons([])).Message);
        var projected = new GeometryFactory().CreatePolygon([new(500000, 3400000), new(500100, 3400000), new(500100, 3400100), new(500000, 3400000)]);
        Assert.Contains("not in longitude/latitude", Assert.Throws<HotspotInputException>(() => CellSet.FromPolygons([new("c", projected)])).Message);
    }

    [Fact]
    public void Cells_a_metre_apart_are_neighbours_and_cells_apart_are_not()
    {
        var plane = new LocalMetres(SyntheticCity.Lon0, SyntheticCity.Lat0);
        Polygon Box(double x0, double x1)
        {
            var f = new GeometryFactory(new PrecisionModel(), 4326);
            Coordinate C(double x, double y) { var (lon, lat) = plane.ToDegrees(x, y); return new(lon, lat); }
            return f.CreatePolygon([C(x0, 0), C(x1, 0), C(x1, 100), C(x0, 100), C(x0, 0)]);
        }
        var cells = CellSet.FromPolygons([new("a", Box(0, 100)), new("b", Box(101, 200)), new("c", Box(300, 400))]);
        Assert.Equal([1], cells.Neighbours[0]);
        Assert.Empty(cells.Neighbours[2]);
    }

    [Fact]
    public void Points_outside_every_cell_are_counted_and_events_all_outside_are_refused()
    {
        var cells = Lattice.Over(SyntheticCity.Square(1000), 250);
        var day = new DateOnly(2025, 3, 1);
        var table = EventTable.Locate(cells, [new(day, SyntheticCity.Lon0 + 0.001, SyntheticCity.Lat0 + 0.001, "litter"), new(day, 0, 0, "litter"), new(day, double.NaN, 31, "x")]);
        Assert.Equal(1, table.Count);
        Assert.Equal(2, table.Outside);
        var e = Assert.Throws<HotspotInputException>(() => EventTable.Locate(cells, [new(day, 0, 0, "litter")]));
        Assert.Contains("none of the 1 events lies inside a cell", e.Message);
        Assert.Contains("no events", Assert.Throws<HotspotInputException>(() => EventTable.Locate(cells, [])).Message);
    }

    [Fact]
    public void Rare_classes_fold_into_other()
    {
        var cells = Lattice.Over(SyntheticCity.Square(1000), 250);
        var day = new DateOnly(2025, 3, 1);
        var (lon, lat) = (SyntheticCity.Lon0 + 0.001, SyntheticCity.Lat0 + 0.001);
        var events = new[] { "a", "a", "a", "b", "b", "c", "" }.Select(c => new HotspotEvent(day, lon, lat, c)).ToList();
        var table = EventTable.Locate(cells, events, majorClasses: 2);
        Assert.Equal(["a", "b", EventTable.OtherClass], table.Classes);
        Assert.Equal(2, table.Class.Count(k => k == 2));
    }

    [Fact]
    public void Bad_dates_and_places_are_named_by_line_and_the_good_rows_kept()
    {
        string[] header = ["ID", "Date", "Primary_Type", "Latitude", "Longitude"];
        var rows = new List<(int, string[])>
        {
            (2, ["1", "2019-01-01", "THEFT", "41.9", "-87.7"]),
            (3, ["2", "2019-13-45", "THEFT", "41.9", "-87.7"]),
            (4, ["3", "01/02/2019 11:30:00 PM", "BATTERY", "41.9", "-87.7"]),
            (5, ["4", "2019-01-03", "THEFT", "", ""]),
            (6, ["5", "2019-01-03", "THEFT", "95", "-87.7"]),
            (7, ["6", "2019-01-04T23:30:00+08:00", "THEFT", "41.9", "abc"]),
            (8, ["7", "2019-01-04T23:30:00+08:00", "THEFT", "41.9", "-87.7"]),
        };
        var read = EventsCsv.Parse(header, rows);
        Assert.Equal(3, read.Events.Count);
        Assert.Equal(4, read.BadRows);
        Assert.Contains(read.Problems, p => p.StartsWith("line 3: date '2019-13-45' is not a date", StringComparison.Ordinal));
        Assert.Contains(read.Problems, p => p == "line 5: no longitude/latitude");
        Assert.Contains(read.Problems, p => p.StartsWith("line 6: (-87.7, 95) is not a longitude/latitude", StringComparison.Ordinal));
        Assert.Contains(read.Problems, p => p.StartsWith("line 7: longitude/latitude 'abc'", StringComparison.Ordinal));
        Assert.Equal(new DateOnly(2019, 1, 2), read.Events[1].Day);
        Assert.Equal(new TimeOnly(23, 30), read.Events[1].Time);
        Assert.Equal(new DateOnly(2019, 1, 4), read.Events[2].Day); // the date the record names, not converted to UTC
        Assert.Equal("BATTERY", read.Events[1].Class);
    }

    [Fact]
    public void A_missing_column_is_named_with_the_header()
    {
        var read = EventsCsv.Parse(["when", "lon", "lat"], []);
        Assert.Contains(read.Problems, p => p.Contains("no date column") && p.Contains("--date-column") && p.Contains("when, lon, lat"));
        read = EventsCsv.Parse(["when", "lon", "lat"], [], new EventColumns(Date: "when", Class: "kind"));
        Assert.Equal(["there is no column 'kind' for the class; the header has: when, lon, lat"], read.Problems);
    }

    [Fact]
    public void A_patrol_file_adds_minutes_per_cell_and_day_and_names_bad_rows_by_line()
    {
        var cells = Lattice.Over(SyntheticCity.Square(1000), 250);
        var first = new DateOnly(2025, 3, 1);
        var events = EventTable.Locate(cells, [new(first, SyntheticCity.Lon0, SyntheticCity.Lat0, "litter")], first: first, last: first.AddDays(9));
        var rows = new List<(int, string[])>
        {
            (2, ["0_0", "2025-03-02", "30"]),
            (3, ["0_0", "2025-03-02", "15.5"]), // a second worker the same day adds up
            (4, ["3_3", "2025-03-10T08:00:00+08:00", "60"]),
            (5, ["9_9", "2025-03-02", "30"]),
            (6, ["1_1", "2025-02-30", "30"]),
            (7, ["1_1", "2025-03-03", "-5"]),
            (8, ["1_1", "2024-12-31", "30"]), // before the events' period: counted, left out
        };
        var read = PatrolCsv.Parse(["Grid_Code", "Date", "Minutes"], rows, cells, events);
        Assert.Equal(3, read.BadRows);
        Assert.Equal(1, read.OutsidePeriod);
        Assert.Equal(105.5, read.TotalMinutes, 9);
        Assert.Equal(45.5, read.Minutes!.On(1, cells.IndexOf("0_0")), 9);
        Assert.Equal(60, read.Minutes.On(9, cells.IndexOf("3_3")), 9);
        Assert.Contains("line 5: cell '9_9' is not one of the 16 cells", read.Problems);
        Assert.Contains(read.Problems, p => p.StartsWith("line 6: date '2025-02-30' is not a date", StringComparison.Ordinal));
        Assert.Contains("line 7: minutes '-5' are not a number of 0 or more", read.Problems);

        var missing = PatrolCsv.Parse(["grid", "when", "minutes"], [], cells, events);
        Assert.Null(missing.Minutes);
        Assert.Contains(missing.Problems, p => p.Contains("no date column") && p.Contains("cell, date and minutes") && p.Contains("grid, when, minutes"));
    }
}
