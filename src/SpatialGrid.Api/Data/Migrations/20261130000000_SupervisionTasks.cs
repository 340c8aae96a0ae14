using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// The supervision centre's confirm (核实) and check (核查) tasks, each sent to the supervisor on shift for the case's
    /// grid or left in the acceptor's queue (worker_id null); and the indexes the evaluation reads a period by. Read and
    /// written by hand-written SQL.
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261130000000_SupervisionTasks")]
    public partial class SupervisionTasks : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE supervision_tasks (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
                    case_number text NOT NULL,
                    district_code text NOT NULL,
                    grid_code text,
                    kind smallint NOT NULL CHECK (kind IN (1, 2)),
                    state smallint NOT NULL CHECK (state IN (1, 2, 3)),
                    worker_id text,
                    sent_by text NOT NULL,
                    sent_at timestamptz NOT NULL,
                    yellow_at timestamptz NOT NULL,
                    due_at timestamptz NOT NULL,
                    routed_at timestamptz NOT NULL,
                    reroutes integer NOT NULL DEFAULT 0,
                    answered_at timestamptz,
                    answered_by text,
                    outcome smallint,
                    on_time boolean,
                    sent_on_time boolean NOT NULL DEFAULT false,
                    note text);
                CREATE INDEX ix_supervision_tasks_running ON supervision_tasks (district_code, state) WHERE state IN (1, 2);
                CREATE INDEX ix_supervision_tasks_case ON supervision_tasks (case_id);
                CREATE INDEX ix_supervision_tasks_worker ON supervision_tasks (worker_id, sent_at);
                CREATE INDEX ix_supervision_tasks_sent ON supervision_tasks (sent_at);
                -- The evaluation reads one period of cases at a time; the carry-overs (extensions) from their history.
                CREATE INDEX ix_cases_reported_at ON cases (reported_at);
                CREATE INDEX ix_case_events_carry_over ON case_events (case_id) WHERE action = 'carry-over';
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE supervision_tasks;
                DROP INDEX ix_cases_reported_at;
                DROP INDEX ix_case_events_carry_over;
                """);
        }
    }
}
