using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// The W3C trace id of the HTTP request or MQTT message that opened a case, on its first event (#23): the
    /// correlation id that the logs and traces carry. Nullable: older cases and later events have none.
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261130031210_CaseEventTraceId")]
    public partial class CaseEventTraceId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_id",
                table: "case_events",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "trace_id",
                table: "case_events");
        }
    }
}
