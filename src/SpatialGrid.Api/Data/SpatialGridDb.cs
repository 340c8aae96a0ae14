using Microsoft.EntityFrameworkCore;

namespace SpatialGrid.Api.Data;

/// <summary>The one DbContext of the service. Spatial and bulk work drops to SQL beside each capability.</summary>
public sealed class SpatialGridDb(DbContextOptions<SpatialGridDb> options) : DbContext(options)
{
    public DbSet<Grid> Grids => Set<Grid>();
    public DbSet<GridVersion> GridVersions => Set<GridVersion>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasPostgresExtension("postgis");

        model.Entity<Grid>(e =>
        {
            e.Property(g => g.Code).HasMaxLength(15);
            e.Property(g => g.DistrictCode).HasMaxLength(6);
            e.Property(g => g.ParentCode).HasMaxLength(12);
            e.Property(g => g.Name).HasMaxLength(200);
            e.Property(g => g.Leader).HasMaxLength(200);
            e.Property(g => g.Geometry).HasColumnType("geometry(MultiPolygon,4326)");
            e.HasIndex(g => new { g.VersionId, g.Code }).IsUnique();
            e.HasIndex(g => g.Geometry).HasMethod("gist");
            // At most one current grid per code: the publish step relies on it.
            e.HasIndex(g => g.Code).IsUnique().HasFilter("valid_to IS NULL AND valid_from IS NOT NULL").HasDatabaseName("ix_grids_current_code");
            e.HasIndex(g => new { g.ParentCode });
            e.HasIndex(g => new { g.DistrictCode });
            e.HasOne<GridVersion>().WithMany().HasForeignKey(g => g.VersionId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<GridVersion>(e =>
        {
            e.Property(v => v.Source).HasMaxLength(500);
            e.Property(v => v.Report).HasColumnType("jsonb");
        });

        model.Entity<ApiClient>(e =>
        {
            e.Property(c => c.KeyPrefix).HasMaxLength(16);
            e.HasIndex(c => c.KeyPrefix).IsUnique();
        });
    }
}
