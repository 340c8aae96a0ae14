using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>Each worker's watch against their shift's grids: since when outside them, and whether the centre was told.</summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261129193000_PatrolPresence")]
    public partial class PatrolPresence : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE patrol_trackers ADD COLUMN outside_since timestamptz, ADD COLUMN outside_announced boolean NOT NULL DEFAULT false;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE patrol_trackers DROP COLUMN outside_since, DROP COLUMN outside_announced;");
        }
    }
}
