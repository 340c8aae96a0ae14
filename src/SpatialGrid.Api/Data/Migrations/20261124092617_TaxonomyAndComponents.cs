using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class TaxonomyAndComponents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "component_history",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    component_id = table.Column<long>(type: "bigint", nullable: false),
                    component_code = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    by = table.Column<string>(type: "text", nullable: false),
                    change = table.Column<string>(type: "text", nullable: false),
                    before = table.Column<string>(type: "jsonb", nullable: true),
                    after = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_component_history", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "components",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    code = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    district_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    class_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    dept_in_charge = table.Column<string>(type: "text", nullable: true),
                    owner = table.Column<string>(type: "text", nullable: true),
                    maintainer = table.Column<string>(type: "text", nullable: true),
                    install_date = table.Column<DateOnly>(type: "date", nullable: true),
                    attributes = table.Column<string>(type: "jsonb", nullable: false),
                    geometry = table.Column<Geometry>(type: "geometry(Geometry,4326)", nullable: false),
                    outside = table.Column<bool>(type: "boolean", nullable: false),
                    generated = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_components", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "taxonomy",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    major_code = table.Column<string>(type: "text", nullable: false),
                    major_zh = table.Column<string>(type: "text", nullable: false),
                    major_en = table.Column<string>(type: "text", nullable: false),
                    name_zh = table.Column<string>(type: "text", nullable: false),
                    name_en = table.Column<string>(type: "text", nullable: false),
                    geometry = table.Column<int>(type: "integer", nullable: false),
                    unit_zh = table.Column<string>(type: "text", nullable: false),
                    unit_en = table.Column<string>(type: "text", nullable: false),
                    dispatch_minutes = table.Column<int>(type: "integer", nullable: false),
                    arrival_minutes = table.Column<int>(type: "integer", nullable: false),
                    feedback_working_days = table.Column<int>(type: "integer", nullable: false),
                    close_value = table.Column<int>(type: "integer", nullable: false),
                    close_clock = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_taxonomy", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "taxonomy_audits",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    district_code = table.Column<string>(type: "text", nullable: false),
                    class_code = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    by = table.Column<string>(type: "text", nullable: false),
                    before = table.Column<string>(type: "jsonb", nullable: true),
                    after = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_taxonomy_audits", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "taxonomy_overrides",
                columns: table => new
                {
                    district_code = table.Column<string>(type: "text", nullable: false),
                    class_code = table.Column<string>(type: "text", nullable: false),
                    unit_zh = table.Column<string>(type: "text", nullable: true),
                    unit_en = table.Column<string>(type: "text", nullable: true),
                    dispatch_minutes = table.Column<int>(type: "integer", nullable: true),
                    arrival_minutes = table.Column<int>(type: "integer", nullable: true),
                    feedback_working_days = table.Column<int>(type: "integer", nullable: true),
                    close_value = table.Column<int>(type: "integer", nullable: true),
                    close_clock = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_taxonomy_overrides", x => new { x.district_code, x.class_code });
                });

            migrationBuilder.CreateTable(
                name: "component_grids",
                columns: table => new
                {
                    component_id = table.Column<long>(type: "bigint", nullable: false),
                    grid_code = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: false),
                    district_code = table.Column<string>(type: "text", nullable: false),
                    measure = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_component_grids", x => new { x.component_id, x.grid_code });
                    table.ForeignKey(
                        name: "fk_component_grids_components_component_id",
                        column: x => x.component_id,
                        principalTable: "components",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_component_grids_grid_code",
                table: "component_grids",
                column: "grid_code");

            migrationBuilder.CreateIndex(
                name: "ix_component_history_component_id",
                table: "component_history",
                column: "component_id");

            migrationBuilder.CreateIndex(
                name: "ix_components_code",
                table: "components",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_components_district_code_class_code",
                table: "components",
                columns: new[] { "district_code", "class_code" });

            migrationBuilder.CreateIndex(
                name: "ix_components_geometry",
                table: "components",
                column: "geometry")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_components_outside",
                table: "components",
                column: "outside",
                filter: "outside");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "component_grids");

            migrationBuilder.DropTable(
                name: "component_history");

            migrationBuilder.DropTable(
                name: "taxonomy");

            migrationBuilder.DropTable(
                name: "taxonomy_audits");

            migrationBuilder.DropTable(
                name: "taxonomy_overrides");

            migrationBuilder.DropTable(
                name: "components");
        }
    }
}
