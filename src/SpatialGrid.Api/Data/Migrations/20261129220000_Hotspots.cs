using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SpatialGrid.Api.Data.Migrations
{
    /// <summary>
    /// Hotspot risk: each trained model with its settings, its back-test and the model itself (ML.NET's zip), and the
    /// scores per responsibility grid and day it produced, each with its explanation. Read and written by hand-written SQL.
    /// </summary>
    [DbContext(typeof(SpatialGridDb))]
    [Migration("20261129220000_Hotspots")]
    public partial class Hotspots : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE risk_models (
                    version bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    trained_at timestamptz NOT NULL,
                    trained_by text NOT NULL,
                    scored_day date NOT NULL,
                    history_from date NOT NULL,
                    history_to date NOT NULL,
                    cells integer NOT NULL,
                    events integer NOT NULL,
                    settings jsonb NOT NULL,
                    backtest jsonb,
                    backtest_note text,
                    model bytea NOT NULL);

                CREATE TABLE risk_scores (
                    model_version bigint NOT NULL REFERENCES risk_models (version) ON DELETE CASCADE,
                    day date NOT NULL,
                    grid_code text NOT NULL,
                    district_code text NOT NULL,
                    expected double precision NOT NULL,
                    per_km2 double precision NOT NULL,
                    rank integer NOT NULL,
                    explanation jsonb NOT NULL,
                    PRIMARY KEY (day, model_version, grid_code));
                CREATE INDEX ix_risk_scores_model ON risk_scores (model_version);
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE risk_scores; DROP TABLE risk_models;");
        }
    }
}
