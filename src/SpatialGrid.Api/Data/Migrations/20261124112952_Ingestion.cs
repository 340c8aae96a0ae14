using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Ingestion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The case version was PostgreSQL's xmin (a system column: nothing to rename); it becomes a column of its own,
            // bumped by actions only, so alerts joining a case and the colour sweep do not refuse a dispatcher's action.
            migrationBuilder.AddColumn<long>(
                name: "version",
                table: "cases",
                type: "bigint",
                nullable: false,
                defaultValue: 1L);

            migrationBuilder.AddColumn<string>(
                name: "alert_type",
                table: "cases",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "device_id",
                table: "cases",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_alert_at",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    gateway_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    msg_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    device_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    severity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4326)", nullable: false),
                    district_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    grid_code = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: false),
                    class_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    confidence = table.Column<double>(type: "double precision", nullable: true),
                    media = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    props = table.Column<string>(type: "jsonb", nullable: true),
                    outcome = table.Column<int>(type: "integer", nullable: false),
                    case_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alerts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dead_letters",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    gateway_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    topic = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    msg_id = table.Column<string>(type: "character varying(70)", maxLength: 70, nullable: true),
                    reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    payload = table.Column<byte[]>(type: "bytea", nullable: false),
                    size = table.Column<int>(type: "integer", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dead_letters", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "gateways",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    secret_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    districts = table.Column<string[]>(type: "text[]", nullable: false),
                    disabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_gateways", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "devices",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    gateway_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    component_code = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: true),
                    location = table.Column<Point>(type: "geometry(Point,4326)", nullable: true),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    alarm_case_id = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_devices", x => x.id);
                    table.ForeignKey(
                        name: "fk_devices_gateways_gateway_id",
                        column: x => x.gateway_id,
                        principalTable: "gateways",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cases_open_device",
                table: "cases",
                column: "device_id",
                filter: "device_id IS NOT NULL AND state NOT IN (7, 8)");

            migrationBuilder.CreateIndex(
                name: "ix_cases_open_grid_class",
                table: "cases",
                columns: new[] { "grid_code", "class_code" },
                filter: "state NOT IN (7, 8)");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_case_id",
                table: "alerts",
                column: "case_id",
                filter: "case_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_device_id_received_at",
                table: "alerts",
                columns: new[] { "device_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_gateway_id_msg_id",
                table: "alerts",
                columns: new[] { "gateway_id", "msg_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_alerts_location",
                table: "alerts",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_dead_letters_gateway_id_received_at",
                table: "dead_letters",
                columns: new[] { "gateway_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_devices_gateway_id",
                table: "devices",
                column: "gateway_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "dead_letters");

            migrationBuilder.DropTable(
                name: "devices");

            migrationBuilder.DropTable(
                name: "gateways");

            migrationBuilder.DropIndex(
                name: "ix_cases_open_device",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_cases_open_grid_class",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "alert_type",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "device_id",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "last_alert_at",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "version",
                table: "cases");
        }
    }
}
