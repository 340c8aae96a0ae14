using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class CurrentGridsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameIndex(
                name: "ix_grids_geometry",
                table: "grids",
                newName: "ix_grids_geometry1");

            migrationBuilder.CreateIndex(
                name: "ix_grids_geometry",
                table: "grids",
                column: "geometry",
                filter: "valid_to IS NULL AND valid_from IS NOT NULL AND kind = 1")
                .Annotation("Npgsql:IndexMethod", "gist");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_grids_geometry",
                table: "grids");

            migrationBuilder.RenameIndex(
                name: "ix_grids_geometry1",
                table: "grids",
                newName: "ix_grids_geometry");
        }
    }
}
