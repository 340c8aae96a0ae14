using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// Room on each page for the rows the position writer updates at every write (each worker's open visit, its daily
    /// roll-up row and its tracker): none of the columns it changes is indexed, so with free space on the page an update
    /// is a heap-only tuple, with no new entry in any index. Full pages (fillfactor 100) sent each update to another page
    /// with an entry in every index; those upserts were a third of PostgreSQL's time per fix in the GPS benchmark.
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261130093000_PatrolFillFactor")]
    public partial class PatrolFillFactor : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE patrol_visits SET (fillfactor = 70);
                ALTER TABLE patrol_daily SET (fillfactor = 70);
                ALTER TABLE patrol_trackers SET (fillfactor = 50);
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE patrol_visits RESET (fillfactor);
                ALTER TABLE patrol_daily RESET (fillfactor);
                ALTER TABLE patrol_trackers RESET (fillfactor);
                """);
        }
    }
}
