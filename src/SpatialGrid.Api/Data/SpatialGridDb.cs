using Microsoft.EntityFrameworkCore;

namespace SpatialGrid.Api.Data;

/// <summary>The one DbContext of the service. Spatial and bulk work drops to SQL beside each capability.</summary>
public sealed class SpatialGridDb(DbContextOptions<SpatialGridDb> options) : DbContext(options)
{
    public DbSet<Grid> Grids => Set<Grid>();
    public DbSet<GridVersion> GridVersions => Set<GridVersion>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<TaxonomyEntry> Taxonomy => Set<TaxonomyEntry>();
    public DbSet<TaxonomyOverride> TaxonomyOverrides => Set<TaxonomyOverride>();
    public DbSet<TaxonomyAudit> TaxonomyAudits => Set<TaxonomyAudit>();
    public DbSet<Component> Components => Set<Component>();
    public DbSet<ComponentGrid> ComponentGrids => Set<ComponentGrid>();
    public DbSet<ComponentHistory> ComponentHistory => Set<ComponentHistory>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseEvent> CaseEvents => Set<CaseEvent>();
    public DbSet<CaseCounter> CaseCounters => Set<CaseCounter>();
    public DbSet<Gateway> Gateways => Set<Gateway>();
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<DeadLetter> DeadLetters => Set<DeadLetter>();

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
            e.HasIndex(g => g.Geometry, "ix_grids_geometry").HasMethod("gist");
            // At most one current grid per code: the publish step relies on it.
            e.HasIndex(g => g.Code).IsUnique().HasFilter("valid_to IS NULL AND valid_from IS NOT NULL").HasDatabaseName("ix_grids_current_code");
            // The current comprehensive grids on their own: every point-in-grid join of the present uses this one
            // index instead of AND-ing the whole-table GiST with a 10,000-row bitmap per point.
            e.HasIndex(g => g.Geometry, "ix_grids_current_geometry").HasMethod("gist").HasFilter("valid_to IS NULL AND valid_from IS NOT NULL AND kind = 1");
            e.HasIndex(g => new { g.ParentCode });
            e.HasIndex(g => new { g.DistrictCode });
            e.HasOne<GridVersion>().WithMany().HasForeignKey(g => g.VersionId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<GridVersion>(e =>
        {
            e.Property(v => v.Source).HasMaxLength(500);
            e.Property(v => v.Report).HasColumnType("jsonb");
        });

        model.Entity<TaxonomyEntry>(e =>
        {
            e.ToTable("taxonomy");
            e.HasKey(t => t.Code);
            e.Property(t => t.Code).HasMaxLength(5);
        });
        model.Entity<TaxonomyOverride>(e => e.HasKey(o => new { o.DistrictCode, o.ClassCode }));
        model.Entity<TaxonomyAudit>(e =>
        {
            e.Property(a => a.Before).HasColumnType("jsonb");
            e.Property(a => a.After).HasColumnType("jsonb");
        });

        model.Entity<Component>(e =>
        {
            e.Property(c => c.Code).HasMaxLength(17);
            e.Property(c => c.DistrictCode).HasMaxLength(6);
            e.Property(c => c.ClassCode).HasMaxLength(5);
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Attributes).HasColumnType("jsonb");
            e.Property(c => c.Geometry).HasColumnType("geometry(Geometry,4326)");
            e.HasIndex(c => c.Code).IsUnique();
            e.HasIndex(c => c.Geometry).HasMethod("gist");
            e.HasIndex(c => new { c.DistrictCode, c.ClassCode });
            e.HasIndex(c => c.Outside).HasFilter("outside");
        });
        model.Entity<ComponentGrid>(e =>
        {
            e.HasKey(l => new { l.ComponentId, l.GridCode });
            e.Property(l => l.GridCode).HasMaxLength(15);
            e.HasIndex(l => l.GridCode);
            e.HasOne<Component>().WithMany().HasForeignKey(l => l.ComponentId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ComponentHistory>(e =>
        {
            e.Property(h => h.Before).HasColumnType("jsonb");
            e.Property(h => h.After).HasColumnType("jsonb");
            e.HasIndex(h => h.ComponentId);
        });

        model.Entity<Case>(e =>
        {
            e.Property(c => c.Number).HasMaxLength(24);
            e.HasIndex(c => c.Number).IsUnique();
            e.Property(c => c.DistrictCode).HasMaxLength(6);
            e.Property(c => c.GridCode).HasMaxLength(15);
            e.Property(c => c.ClassCode).HasMaxLength(5);
            e.Property(c => c.Description).HasMaxLength(4000);
            e.Property(c => c.Location).HasColumnType("geometry(Point,4326)");
            e.Property(c => c.ReporterWorker).HasMaxLength(64);
            e.Property(c => c.ReporterFix).HasColumnType("geometry(Point,4326)");
            e.HasIndex(c => c.ReporterWorker).HasFilter("reporter_worker IS NOT NULL");
            e.HasIndex(c => c.Location).HasMethod("gist");
            e.HasIndex(c => new { c.DistrictCode, c.State });
            e.HasIndex(c => c.GridCode);
            // The sweep and the overdue list read only these, only for open cases.
            e.HasIndex(c => c.YellowAt).HasFilter("yellow_at IS NOT NULL");
            e.HasIndex(c => c.RedAt).HasFilter("red_at IS NOT NULL");
            e.Property(c => c.Version).IsConcurrencyToken();
            // Alerts joining a case and the colour sweep rewrite its row often: room on each page keeps those updates
            // HOT (no new entry in any of the case indexes).
            e.HasStorageParameter("fillfactor", 80);
            // Alert de-duplication reads open cases by device, and by grid and class.
            e.Property(c => c.DeviceId).HasMaxLength(64);
            e.Property(c => c.AlertType).HasMaxLength(64);
            e.HasIndex(c => c.DeviceId).HasFilter("device_id IS NOT NULL AND state NOT IN (7, 8)").HasDatabaseName("ix_cases_open_device");
            e.HasIndex(c => new { c.GridCode, c.ClassCode }).HasFilter("state NOT IN (7, 8)").HasDatabaseName("ix_cases_open_grid_class");
        });
        model.Entity<CaseEvent>(e =>
        {
            e.HasIndex(x => new { x.CaseId, x.Sequence }).IsUnique();
            // json, not jsonb: the text is kept byte for byte, as the hash chain covers it.
            e.Property(x => x.Data).HasColumnType("json");
            e.Property(x => x.Note).HasMaxLength(4000);
            e.Property(x => x.TraceId).HasMaxLength(32);
            e.HasOne<Case>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<CaseCounter>(e => e.HasKey(c => new { c.DistrictCode, c.Day }));

        model.Entity<Gateway>(e =>
        {
            e.Property(g => g.Id).HasMaxLength(64);
            e.Property(g => g.Name).HasMaxLength(200);
        });
        model.Entity<Device>(e =>
        {
            e.Property(d => d.Id).HasMaxLength(64);
            e.Property(d => d.GatewayId).HasMaxLength(64);
            e.Property(d => d.Kind).HasMaxLength(64);
            e.Property(d => d.ComponentCode).HasMaxLength(17);
            e.Property(d => d.Name).HasMaxLength(200);
            e.Property(d => d.Location).HasColumnType("geometry(Point,4326)");
            e.HasIndex(d => d.GatewayId);
            e.HasOne<Gateway>().WithMany().HasForeignKey(d => d.GatewayId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<Alert>(e =>
        {
            e.Property(a => a.GatewayId).HasMaxLength(64);
            e.Property(a => a.MsgId).HasMaxLength(64);
            e.Property(a => a.DeviceId).HasMaxLength(64);
            e.Property(a => a.Type).HasMaxLength(64);
            e.Property(a => a.Severity).HasMaxLength(16);
            e.Property(a => a.DistrictCode).HasMaxLength(6);
            e.Property(a => a.GridCode).HasMaxLength(15);
            e.Property(a => a.ClassCode).HasMaxLength(5);
            e.Property(a => a.Media).HasMaxLength(500);
            e.Property(a => a.Props).HasColumnType("jsonb");
            e.Property(a => a.Location).HasColumnType("geometry(Point,4326)");
            // Effectively once: a repeated (gateway, msgId) is absorbed by this key.
            e.HasIndex(a => new { a.GatewayId, a.MsgId }).IsUnique();
            e.HasIndex(a => a.CaseId).HasFilter("case_id IS NOT NULL");
            e.HasIndex(a => new { a.DeviceId, a.ReceivedAt });
            // No GiST on the point: fixed devices repeat identical points, which a GiST index handles worst of all
            // (its insert cost grew threefold over 400,000 alerts). Every index costs each of 20,000 alerts a second,
            // so there is none that no query reads: receipt time (?from=, and time windows for later hotspot work)
            // is served by a BRIN index, nearly free to keep as rows arrive in time order.
            e.HasIndex(a => a.ReceivedAt).HasMethod("brin");
        });
        model.Entity<DeadLetter>(e =>
        {
            e.Property(d => d.GatewayId).HasMaxLength(64);
            e.Property(d => d.Topic).HasMaxLength(300);
            e.Property(d => d.MsgId).HasMaxLength(70);
            e.Property(d => d.Reason).HasMaxLength(40);
            e.Property(d => d.Detail).HasMaxLength(1000);
            e.HasIndex(d => new { d.GatewayId, d.ReceivedAt });
        });

        model.Entity<ApiClient>(e =>
        {
            e.Property(c => c.KeyPrefix).HasMaxLength(16);
            e.Property(c => c.WorkerId).HasMaxLength(64);
            e.HasIndex(c => c.KeyPrefix).IsUnique();
        });
    }
}
