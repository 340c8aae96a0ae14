using Microsoft.EntityFrameworkCore;
using Npgsql;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Taxonomy;

/// <summary>Options of the taxonomy (section <c>Taxonomy</c>).</summary>
public sealed class TaxonomyOptions
{
    /// <summary>The seed file; the default is the copy of gis-data/taxonomy/classes.csv beside the binary.</summary>
    public string SeedFile { get; set; } = Path.Combine(AppContext.BaseDirectory, "taxonomy", "classes.csv");
}

/// <summary>
/// Loads the seed file into the <c>taxonomy</c> table at start: the file is the source of truth for names and
/// default limits (a diff of the file is a diff of the taxonomy); district overrides live in their own table.
/// </summary>
public static class TaxonomySeed
{
    public static async Task SeedTaxonomyAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection("Taxonomy").Get<TaxonomyOptions>() ?? new TaxonomyOptions();
        var (classes, errors) = TaxonomyCsv.Parse(await File.ReadAllTextAsync(options.SeedFile));
        if (errors.Count > 0) throw new InvalidOperationException($"{options.SeedFile}: {string.Join("; ", errors)}");
        await using var conn = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var c in classes)
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO taxonomy (code, kind, major_code, major_zh, major_en, name_zh, name_en, geometry, unit_zh, unit_en,
                                      dispatch_value, dispatch_clock, arrival_value, arrival_clock, feedback_value, feedback_clock, close_value, close_clock)
                VALUES (@code, @kind, @major, @major_zh, @major_en, @name_zh, @name_en, @geometry, @unit_zh, @unit_en,
                        @dispatch, @dispatch_clock, @arrival, @arrival_clock, @feedback, @feedback_clock, @close, @clock)
                ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, major_code = excluded.major_code, major_zh = excluded.major_zh,
                  major_en = excluded.major_en, name_zh = excluded.name_zh, name_en = excluded.name_en, geometry = excluded.geometry,
                  unit_zh = excluded.unit_zh, unit_en = excluded.unit_en, dispatch_value = excluded.dispatch_value, dispatch_clock = excluded.dispatch_clock,
                  arrival_value = excluded.arrival_value, arrival_clock = excluded.arrival_clock, feedback_value = excluded.feedback_value,
                  feedback_clock = excluded.feedback_clock, close_value = excluded.close_value, close_clock = excluded.close_clock
                """, conn, tx);
            cmd.Parameters.AddWithValue("code", c.Code);
            cmd.Parameters.AddWithValue("kind", (int)c.Kind);
            cmd.Parameters.AddWithValue("major", c.MajorCode);
            cmd.Parameters.AddWithValue("major_zh", c.MajorZh);
            cmd.Parameters.AddWithValue("major_en", c.MajorEn);
            cmd.Parameters.AddWithValue("name_zh", c.NameZh);
            cmd.Parameters.AddWithValue("name_en", c.NameEn);
            cmd.Parameters.AddWithValue("geometry", (int)c.Geometry);
            cmd.Parameters.AddWithValue("unit_zh", c.UnitZh);
            cmd.Parameters.AddWithValue("unit_en", c.UnitEn);
            cmd.Parameters.AddWithValue("dispatch", c.Dispatch.Value);
            cmd.Parameters.AddWithValue("dispatch_clock", (int)c.Dispatch.Clock);
            cmd.Parameters.AddWithValue("arrival", c.Arrival.Value);
            cmd.Parameters.AddWithValue("arrival_clock", (int)c.Arrival.Clock);
            cmd.Parameters.AddWithValue("feedback", c.Feedback.Value);
            cmd.Parameters.AddWithValue("feedback_clock", (int)c.Feedback.Clock);
            cmd.Parameters.AddWithValue("close", c.Close.Value);
            cmd.Parameters.AddWithValue("clock", (int)c.Close.Clock);
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }
}
