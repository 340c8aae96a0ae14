using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:postgis", ",,");

            migrationBuilder.CreateTable(
                name: "api_clients",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "text", nullable: false),
                    key_prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    key_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    roles = table.Column<string[]>(type: "text[]", nullable: false),
                    scopes = table.Column<string[]>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_clients", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "case_counters",
                columns: table => new
                {
                    district_code = table.Column<string>(type: "text", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    last = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_counters", x => new { x.district_code, x.day });
                });

            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    number = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    district_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    grid_code = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: true),
                    outside = table.Column<bool>(type: "boolean", nullable: false),
                    class_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    source = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    promised_by = table.Column<DateOnly>(type: "date", nullable: true),
                    state = table.Column<int>(type: "integer", nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4326)", nullable: false),
                    component_code = table.Column<string>(type: "text", nullable: true),
                    unit = table.Column<string>(type: "text", nullable: false),
                    lead_unit = table.Column<string>(type: "text", nullable: true),
                    co_units = table.Column<string[]>(type: "text[]", nullable: false),
                    reported_by = table.Column<string>(type: "text", nullable: false),
                    accepted_by = table.Column<string>(type: "text", nullable: true),
                    dispatched_by = table.Column<string>(type: "text", nullable: true),
                    closed_by = table.Column<string>(type: "text", nullable: true),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    dispatched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    arrived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    handled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    dispatch_value = table.Column<int>(type: "integer", nullable: false),
                    dispatch_clock = table.Column<int>(type: "integer", nullable: false),
                    arrival_value = table.Column<int>(type: "integer", nullable: false),
                    arrival_clock = table.Column<int>(type: "integer", nullable: false),
                    feedback_value = table.Column<int>(type: "integer", nullable: false),
                    feedback_clock = table.Column<int>(type: "integer", nullable: false),
                    close_value = table.Column<int>(type: "integer", nullable: false),
                    close_clock = table.Column<int>(type: "integer", nullable: false),
                    first_dispatched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    dispatch_count = table.Column<int>(type: "integer", nullable: false),
                    dispatch_due = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    arrival_due = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    feedback_due = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    close_due = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    yellow_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    red_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    notified_colour = table.Column<int>(type: "integer", nullable: false),
                    rework_count = table.Column<int>(type: "integer", nullable: false),
                    return_count = table.Column<int>(type: "integer", nullable: false),
                    alert_count = table.Column<int>(type: "integer", nullable: false),
                    satisfaction = table.Column<int>(type: "integer", nullable: true),
                    review_date = table.Column<DateOnly>(type: "date", nullable: true),
                    event_count = table.Column<int>(type: "integer", nullable: false),
                    last_hash = table.Column<string>(type: "text", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cases", x => x.id);
                });

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
                name: "grid_versions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    status = table.Column<int>(type: "integer", nullable: false),
                    scope = table.Column<string[]>(type: "text[]", nullable: false),
                    source = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    feature_count = table.Column<int>(type: "integer", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    published_by = table.Column<string>(type: "text", nullable: true),
                    report = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_grid_versions", x => x.id);
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
                    dispatch_value = table.Column<int>(type: "integer", nullable: false),
                    dispatch_clock = table.Column<int>(type: "integer", nullable: false),
                    arrival_value = table.Column<int>(type: "integer", nullable: false),
                    arrival_clock = table.Column<int>(type: "integer", nullable: false),
                    feedback_value = table.Column<int>(type: "integer", nullable: false),
                    feedback_clock = table.Column<int>(type: "integer", nullable: false),
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
                    dispatch_value = table.Column<int>(type: "integer", nullable: true),
                    dispatch_clock = table.Column<int>(type: "integer", nullable: true),
                    arrival_value = table.Column<int>(type: "integer", nullable: true),
                    arrival_clock = table.Column<int>(type: "integer", nullable: true),
                    feedback_value = table.Column<int>(type: "integer", nullable: true),
                    feedback_clock = table.Column<int>(type: "integer", nullable: true),
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
                name: "case_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    case_id = table.Column<long>(type: "bigint", nullable: false),
                    case_number = table.Column<string>(type: "text", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    by = table.Column<string>(type: "text", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false),
                    from_state = table.Column<string>(type: "text", nullable: false),
                    to_state = table.Column<string>(type: "text", nullable: false),
                    note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    data = table.Column<string>(type: "json", nullable: true),
                    previous_hash = table.Column<string>(type: "text", nullable: false),
                    hash = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_case_events_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
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

            migrationBuilder.CreateTable(
                name: "grids",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    version_id = table.Column<long>(type: "bigint", nullable: false),
                    code = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: false),
                    district_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    level = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    parent_code = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    leader = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    geometry = table.Column<MultiPolygon>(type: "geometry(MultiPolygon,4326)", nullable: false),
                    generated = table.Column<bool>(type: "boolean", nullable: false),
                    area_m2 = table.Column<double>(type: "double precision", nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    valid_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_grids", x => x.id);
                    table.ForeignKey(
                        name: "fk_grids_grid_versions_version_id",
                        column: x => x.version_id,
                        principalTable: "grid_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_api_clients_key_prefix",
                table: "api_clients",
                column: "key_prefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_case_events_case_id_sequence",
                table: "case_events",
                columns: new[] { "case_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_district_code_state",
                table: "cases",
                columns: new[] { "district_code", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_grid_code",
                table: "cases",
                column: "grid_code");

            migrationBuilder.CreateIndex(
                name: "ix_cases_location",
                table: "cases",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_cases_number",
                table: "cases",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_red_at",
                table: "cases",
                column: "red_at",
                filter: "red_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_cases_yellow_at",
                table: "cases",
                column: "yellow_at",
                filter: "yellow_at IS NOT NULL");

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

            migrationBuilder.CreateIndex(
                name: "ix_grids_current_code",
                table: "grids",
                column: "code",
                unique: true,
                filter: "valid_to IS NULL AND valid_from IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_grids_district_code",
                table: "grids",
                column: "district_code");

            migrationBuilder.CreateIndex(
                name: "ix_grids_geometry",
                table: "grids",
                column: "geometry",
                filter: "valid_to IS NULL AND valid_from IS NOT NULL AND kind = 1")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_grids_geometry1",
                table: "grids",
                column: "geometry")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_grids_parent_code",
                table: "grids",
                column: "parent_code");

            migrationBuilder.CreateIndex(
                name: "ix_grids_version_id_code",
                table: "grids",
                columns: new[] { "version_id", "code" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_clients");

            migrationBuilder.DropTable(
                name: "case_counters");

            migrationBuilder.DropTable(
                name: "case_events");

            migrationBuilder.DropTable(
                name: "component_grids");

            migrationBuilder.DropTable(
                name: "component_history");

            migrationBuilder.DropTable(
                name: "grids");

            migrationBuilder.DropTable(
                name: "taxonomy");

            migrationBuilder.DropTable(
                name: "taxonomy_audits");

            migrationBuilder.DropTable(
                name: "taxonomy_overrides");

            migrationBuilder.DropTable(
                name: "cases");

            migrationBuilder.DropTable(
                name: "components");

            migrationBuilder.DropTable(
                name: "grid_versions");
        }
    }
}
