using NetTopologySuite.IO.Converters;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api;
using SpatialGrid.Api.Components;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Evaluation;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Hotspots;
using SpatialGrid.Api.Ingestion;
using SpatialGrid.Api.Maps;
using SpatialGrid.Api.Ogc;
using SpatialGrid.Api.Open311;
using SpatialGrid.Api.Patrols;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Api.Taxonomy;
using SpatialGrid.Core.Geo;

SpatialGrid.Hotspots.OpenMpWaits.PreferPassive(); // before any thread reads the environment: LightGBM's threads share the cores
GeometryFactories.UseEverywhere();
var builder = WebApplication.CreateBuilder(args);

// Service defaults: problem+json errors, GeoJSON in JSON bodies, OpenAPI, health, metrics, a clock that tests can replace.
builder.Services.AddBadRequestProblems();
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new GeoJsonConverterFactory(GeometryFactories.Wgs84));
    // Chinese names stay readable in the JSON instead of \uXXXX escapes.
    o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
    // A NUL character cannot be stored: a body holding one is a bad request, not a database error.
    o.SerializerOptions.RefuseNul();
});
// OpenAPI 3.0 (OGC API – Features Part 1's oas30), with the key, the errors and operation ids documented.
builder.Services.AddSpatialGridOpenApi();
builder.Services.AddSpatialGridHealth(builder.Configuration);
builder.Services.AddSpatialGridTelemetry(builder.Configuration);
builder.Services.AddSingleton(TimeProvider.System);
// Body size per endpoint, request rates per key and address, event streams per key.
builder.Services.AddRequestLimits(builder.Configuration);

// Storage and access.
builder.Services.AddSpatialGridDatabase(builder.Configuration);
builder.Services.AddSpatialGridSecurity(builder.Configuration);

// Capabilities.
builder.Services.AddGrids(builder.Configuration);
builder.Services.AddComponents();
builder.Services.AddCases(builder.Configuration);
builder.Services.AddEvaluation(builder.Configuration);
builder.Services.AddIngestion(builder.Configuration);
builder.Services.AddPatrols(builder.Configuration);
builder.Services.AddHotspots(builder.Configuration);
builder.Services.AddOgc();
builder.Services.AddOpen311(builder.Configuration);
builder.Services.AddTiles();
// Tiles, GeoJSON and problems compress well; the offline web map fetches many of them.
builder.Services.AddResponseCompression(o =>
{
    o.EnableForHttps = true;
    o.MimeTypes = Microsoft.AspNetCore.ResponseCompression.ResponseCompressionDefaults.MimeTypes
        .Concat(["application/vnd.mapbox-vector-tile", "application/geo+json", "application/problem+json", "application/x-protobuf"]);
});
builder.Services.AddSchedules();

var app = builder.Build();
await app.MigrateAsync();
await app.SeedTaxonomyAsync();

app.UseServerTiming();
app.UseCorrelation();
app.UseResponseCompression();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseNulGuard();
// CORS before authentication: a preflight carries no key (only the OGC API allows other origins, to read).
app.UseCors();
app.UseAuthentication();
// Before authorization: requests refused for a missing or wrong key count too (key guessing is slowed down).
app.UseRequestLimits();
app.UseAuthorization();

app.MapOpenApi("/openapi/{documentName}.json");
app.MapSpatialGridHealth();
app.MapSpatialGridMetrics();
app.MapKeys();
app.MapSession();
app.MapGrids();
app.MapTaxonomy();
app.MapComponents();
app.MapCases();
app.MapCaseEvents();
app.MapStats();
app.MapSupervisionTasks();
app.MapEvaluation();
app.MapGateways();
app.MapDevices();
app.MapPatrols();
app.MapHotspots();
app.MapOpen311();
app.UseSchedules();
app.MapOgc();
app.MapTiles();
app.MapStyles();
app.MapGlyphs();
// The web map at /, from wwwroot (MapLibre copied from npm by the build).
app.UseDefaultFiles();
app.UseStaticFiles();

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
