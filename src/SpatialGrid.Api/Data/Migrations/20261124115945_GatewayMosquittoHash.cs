using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class GatewayMosquittoHash : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "mosquitto_hash",
                table: "gateways",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "mosquitto_hash",
                table: "gateways");
        }
    }
}
