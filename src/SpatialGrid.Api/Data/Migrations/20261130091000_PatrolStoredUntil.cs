using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// The time of the newest fix stored for each worker (any flags), kept with the worker's tracker: a fix newer than it
    /// cannot be a repeat, so the writer copies such fixes straight into gps_points instead of through the staging table
    /// and its conflict check. Null (unknown) sends every fix of the worker through the staging table.
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261130091000_PatrolStoredUntil")]
    public partial class PatrolStoredUntil : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE patrol_trackers ADD COLUMN IF NOT EXISTS stored_until timestamptz;");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE patrol_trackers DROP COLUMN stored_until;");
        }
    }
}
