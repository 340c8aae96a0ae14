using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// The key of gps_points carries what a track reads (lon, lat and the cleaning's flags), so a worker's track is an
    /// index-only scan of the key's range: its fixes lie together in the key, while in the heap they lie ~10 to a page
    /// among every other worker's (written as they arrive). A worker-shift of 5,000 fixes read ~500 heap pages (4 MB) and
    /// now ~40 index pages; after a day's ingest those pages are rarely cached, which was the track report's tail.
    /// Uniqueness stays on (district_code, worker_id, t); the included columns are not part of it.
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261130160000_GpsPointsCoveringKey")]
    public partial class GpsPointsCoveringKey : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE gps_points DROP CONSTRAINT gps_points_pkey;
                ALTER TABLE gps_points ADD CONSTRAINT gps_points_pkey PRIMARY KEY (district_code, worker_id, t) INCLUDE (lon, lat, flags);
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE gps_points DROP CONSTRAINT gps_points_pkey;
                ALTER TABLE gps_points ADD CONSTRAINT gps_points_pkey PRIMARY KEY (district_code, worker_id, t);
                """);
        }
    }
}
