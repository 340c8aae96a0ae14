using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// Indexes for the planner's heat map and choropleth (#21), so that a city-zoom tile over a year of a million cases
    /// reads an index, not the 300-byte case rows:
    /// <list type="bullet">
    /// <item><c>mercator_key</c>: each case's point as a Morton (Z-order) code of its Web Mercator pixel at zoom 24. Every
    /// tile z/x/y is one contiguous range of these codes, and the 16 × 16 bins of a tile are the code's next 8 bits, so a
    /// heat tile is one range scan of <c>ix_cases_mercator_key</c>, which carries every column the tile filters on
    /// (index-only).</item>
    /// <item><c>ix_cases_grid_reported</c>: cases per responsibility grid in a period (the choropleth), index-only too;
    /// the case list's grid filter sorted by report time reads it as well.</item>
    /// <item><c>ix_cases_reported</c>: the case list's default order (newest first, then by id) and its from/to filter: a
    /// page of 50 is read from the end of the index instead of sorting every case that matches.</item>
    /// </list>
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261130001000_CaseMapIndexes")]
    public partial class CaseMapIndexes : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                -- Spreads the low 24 bits of v to the even bits of the result (the Morton code's x half).
                CREATE FUNCTION sg_morton_spread(v bigint) RETURNS bigint LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
                BEGIN
                  v := v & 16777215;
                  v := (v | (v << 16)) & 281470681808895;      -- 0x0000FFFF0000FFFF
                  v := (v | (v << 8)) & 71777214294589695;     -- 0x00FF00FF00FF00FF
                  v := (v | (v << 4)) & 1085102592571150095;   -- 0x0F0F0F0F0F0F0F0F
                  v := (v | (v << 2)) & 3689348814741910323;   -- 0x3333333333333333
                  v := (v | (v << 1)) & 6148914691236517205;   -- 0x5555555555555555
                  RETURN v;
                END $$;

                -- The Morton code of tile (or pixel) x, y: x on the even bits, y on the odd ones.
                CREATE FUNCTION sg_morton(x bigint, y bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                  AS $$ SELECT sg_morton_spread(x) | (sg_morton_spread(y) << 1) $$;

                -- A lon/lat point's Web Mercator pixel at zoom 24 (about 2 m at the equator) as a Morton code.
                CREATE FUNCTION sg_mercator_key(p geometry) RETURNS bigint LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
                DECLARE
                  n constant double precision := 16777216;
                  lat double precision := least(85.0511, greatest(-85.0511, ST_Y(p)));
                BEGIN
                  RETURN sg_morton(least(n - 1, greatest(0, floor((ST_X(p) + 180) / 360 * n)))::bigint,
                                   least(n - 1, greatest(0, floor((1 - ln(tan(radians(lat)) + 1 / cos(radians(lat))) / pi()) / 2 * n)))::bigint);
                END $$;

                ALTER TABLE cases ADD COLUMN mercator_key bigint GENERATED ALWAYS AS (sg_mercator_key(location)) STORED;
                CREATE INDEX ix_cases_mercator_key ON cases (mercator_key) INCLUDE (reported_at, class_code, state, grid_code, district_code);
                CREATE INDEX ix_cases_grid_reported ON cases (grid_code, reported_at) INCLUDE (class_code, state);
                CREATE INDEX ix_cases_reported ON cases (reported_at, id);
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_cases_reported;
                DROP INDEX ix_cases_grid_reported;
                ALTER TABLE cases DROP COLUMN mercator_key;
                DROP FUNCTION sg_mercator_key(geometry);
                DROP FUNCTION sg_morton(bigint, bigint);
                DROP FUNCTION sg_morton_spread(bigint);
                """);
        }
    }
}
