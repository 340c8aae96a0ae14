using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class AlertIndexesAndCaseFillfactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alerts_location",
                table: "alerts");

            migrationBuilder.AlterTable(
                name: "cases")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.CreateIndex(
                name: "ix_alerts_grid_code_observed_at",
                table: "alerts",
                columns: new[] { "grid_code", "observed_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alerts_grid_code_observed_at",
                table: "alerts");

            migrationBuilder.AlterTable(
                name: "cases")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.CreateIndex(
                name: "ix_alerts_location",
                table: "alerts",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");
        }
    }
}
