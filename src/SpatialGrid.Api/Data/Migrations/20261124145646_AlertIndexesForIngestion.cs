using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class AlertIndexesForIngestion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alerts_grid_code_observed_at",
                table: "alerts");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_received_at",
                table: "alerts",
                column: "received_at")
                .Annotation("Npgsql:IndexMethod", "brin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alerts_received_at",
                table: "alerts");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_grid_code_observed_at",
                table: "alerts",
                columns: new[] { "grid_code", "observed_at" });
        }
    }
}
