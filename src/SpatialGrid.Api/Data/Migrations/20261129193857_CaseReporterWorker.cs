using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class CaseReporterWorker : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Point>(
                name: "reporter_fix",
                table: "cases",
                type: "geometry(Point,4326)",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reporter_fix_at",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reporter_worker",
                table: "cases",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_reporter_worker",
                table: "cases",
                column: "reporter_worker",
                filter: "reporter_worker IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_reporter_worker",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "reporter_fix",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "reporter_fix_at",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "reporter_worker",
                table: "cases");
        }
    }
}
