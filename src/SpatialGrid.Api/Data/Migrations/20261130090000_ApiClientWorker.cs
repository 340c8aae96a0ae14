using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// A patrol key may be bound to one patrol worker (#23): such a key posts fixes, reports cases and answers tasks only
    /// as that worker. Nullable: existing keys stay unbound and keep acting for any worker of their districts.
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261130090000_ApiClientWorker")]
    public partial class ApiClientWorker : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "worker_id",
                table: "api_clients",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "worker_id",
                table: "api_clients");
        }
    }
}
