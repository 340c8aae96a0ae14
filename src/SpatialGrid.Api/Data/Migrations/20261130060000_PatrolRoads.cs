using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// The road stretches walked per local day (Core's RoadSamples: a road's stretch by its index along the road), for
    /// the share of each grid's road length a patrol walked. Derived, like patrol_daily; written once per stretch a day.
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261130060000_PatrolRoads")]
    public partial class PatrolRoads : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE patrol_road_walked (
                    day date NOT NULL,
                    district_code text NOT NULL,
                    grid_code text NOT NULL,
                    road_code text NOT NULL,
                    sample integer NOT NULL,
                    PRIMARY KEY (day, grid_code, road_code, sample)
                );
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE patrol_road_walked;");
        }
    }
}
