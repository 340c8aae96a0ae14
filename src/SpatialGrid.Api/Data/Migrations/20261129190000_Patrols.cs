using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// Patrols: workers, teams, shifts and the roster; every raw GPS fix in a table partitioned by day (old days are
    /// dropped whole, never deleted row by row); derived data apart from it (visits, the daily roll-up, each worker's
    /// tracker state). Written as SQL, not as EF entities: the fixes are written by binary COPY and read by hand-written
    /// SQL, and EF Core cannot describe a partitioned table.
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261129190000_Patrols")]
    public partial class Patrols : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE patrol_teams (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    district_code text NOT NULL,
                    sub_district_code text,
                    created_at timestamptz NOT NULL DEFAULT now());

                CREATE TABLE patrol_workers (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    team_id text REFERENCES patrol_teams (id),
                    role text NOT NULL CHECK (role IN ('grid-worker', 'supervisor')),
                    device_id text UNIQUE,
                    district_code text NOT NULL,
                    active boolean NOT NULL DEFAULT true,
                    created_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX ix_patrol_workers_team ON patrol_workers (team_id);

                -- A shift template: local start and end (an end before the start runs past midnight) and its grids.
                CREATE TABLE patrol_shifts (
                    code text PRIMARY KEY,
                    name text NOT NULL,
                    district_code text NOT NULL,
                    starts time NOT NULL,
                    ends time NOT NULL,
                    grids text[] NOT NULL DEFAULT '{}');

                CREATE TABLE patrol_roster (
                    day date NOT NULL,
                    worker_id text NOT NULL REFERENCES patrol_workers (id) ON DELETE CASCADE,
                    shift_code text NOT NULL REFERENCES patrol_shifts (code) ON DELETE CASCADE,
                    PRIMARY KEY (day, worker_id, shift_code));
                CREATE INDEX ix_patrol_roster_worker ON patrol_roster (worker_id, day);

                -- Every fix as received, one partition a day (gps_points_pYYYYMMDD, created on demand by the writer).
                -- A repeated (worker, t) is absorbed by the key; flags mark what cleaning set aside (FixFlags).
                CREATE TABLE gps_points (
                    district_code text NOT NULL,
                    worker_id text NOT NULL,
                    t timestamptz NOT NULL,
                    lon double precision NOT NULL,
                    lat double precision NOT NULL,
                    accuracy real,
                    speed real,
                    heading real,
                    battery real,
                    flags smallint NOT NULL DEFAULT 0,
                    gateway_id text,
                    received_at timestamptz NOT NULL,
                    PRIMARY KEY (district_code, worker_id, t)
                ) PARTITION BY RANGE (t);
                -- Fixes arrive nearly in time order: a BRIN index finds the last hours of a day's partition (the map's
                -- recent tracks) for a few pages of index.
                CREATE INDEX ix_gps_points_t ON gps_points USING brin (t);

                -- Derived: each worker's visits to grids (left_at null while the worker is still inside).
                CREATE TABLE patrol_visits (
                    district_code text NOT NULL,
                    worker_id text NOT NULL,
                    grid_code text NOT NULL,
                    entered_at timestamptz NOT NULL,
                    left_at timestamptz,
                    last_at timestamptz NOT NULL,
                    seconds double precision NOT NULL,
                    metres double precision NOT NULL,
                    PRIMARY KEY (district_code, worker_id, entered_at));
                CREATE INDEX ix_patrol_visits_grid ON patrol_visits (grid_code, entered_at);

                -- Derived: time and distance per local day, grid and worker (a stretch over midnight is split).
                CREATE TABLE patrol_daily (
                    day date NOT NULL,
                    district_code text NOT NULL,
                    grid_code text NOT NULL,
                    worker_id text NOT NULL,
                    seconds double precision NOT NULL,
                    metres double precision NOT NULL,
                    first_at timestamptz NOT NULL,
                    last_at timestamptz NOT NULL,
                    PRIMARY KEY (day, district_code, grid_code, worker_id));
                CREATE INDEX ix_patrol_daily_worker ON patrol_daily (worker_id, day);

                -- Where each worker's walk stands (the incremental state of Core's cleaning and visit rules, as JSON),
                -- with the last clean fix and its grid as columns for the live view.
                CREATE TABLE patrol_trackers (
                    worker_id text PRIMARY KEY,
                    district_code text NOT NULL,
                    last_t timestamptz NOT NULL,
                    last_lon double precision NOT NULL,
                    last_lat double precision NOT NULL,
                    last_grid text,
                    state jsonb NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now());
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE patrol_trackers, patrol_daily, patrol_visits, gps_points, patrol_roster, patrol_shifts, patrol_workers, patrol_teams;
                """);
        }
    }
}
