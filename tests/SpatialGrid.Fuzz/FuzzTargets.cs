using System.Text;
using SpatialGrid.Api.Imports;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Ogc;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Fuzz;

/// <summary>
/// The fuzz targets: each takes arbitrary bytes and must either accept them or refuse them the documented way. Any
/// other exception escapes to the fuzzer as a crash; a broken promise (a filter that parses but does not parse
/// back from its own text) is thrown as <see cref="BrokenPromise"/>.
/// </summary>
public static class FuzzTargets
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["alert"] = bytes => AlertParser.Parse(bytes, Now, TimeSpan.FromMinutes(5), TimeSpan.FromDays(30)),
        // Built inside the target: instrumented code (all of Core) must not run before the fuzzer has set up its memory.
        ["gps"] = bytes => GpsBatchParser.Parse(bytes, Now, new GpsLimits(1000, TimeSpan.FromMinutes(5), TimeSpan.FromDays(7), 120.8, 30.6, 122.2, 31.9)),
        ["geojson"] = bytes => ReadFile(bytes, "fuzz.geojson"),
        ["shapefile"] = bytes => ReadFile(bytes, "fuzz.zip"),
        ["cql2-text"] = bytes => Cql2(Encoding.UTF8.GetString(bytes), Cql2Text.TryParse),
        ["cql2-json"] = bytes => Cql2(Encoding.UTF8.GetString(bytes), Cql2Json.TryParse),
    };

    public sealed class BrokenPromise(string message) : Exception(message);

    private delegate bool Parser(string text, out Cql2Expression? expression, out Cql2Error? error);

    /// <summary>Parsed or refused; a parsed filter writes itself as text and JSON that parse back to the same filter.</summary>
    private static void Cql2(string text, Parser parse)
    {
        if (!parse(text, out var e, out var error))
        {
            if (error is null) throw new BrokenPromise("refused without a reason");
            return;
        }
        var asText = Cql2Text.Write(e!);
        var asJson = Cql2Json.Write(e!);
        if (!Cql2Text.TryParse(asText, out var back, out var textError)) throw new BrokenPromise($"its text '{asText}' does not parse: {textError?.Detail}");
        if (Cql2Json.Write(back!) != asJson) throw new BrokenPromise($"its text '{asText}' parses to another filter");
        if (!Cql2Json.TryParse(asJson, out var fromJson, out var jsonError)) throw new BrokenPromise($"its JSON '{asJson}' does not parse: {jsonError?.Detail}");
        if (Cql2Text.Write(fromJson!) != asText) throw new BrokenPromise($"its JSON '{asJson}' parses to another filter");
    }

    // One file per fuzzing process, in memory where there is a tmpfs: the readers take a path, as the import endpoints give them.
    private static readonly string Scratch = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"sg-fuzz-{Environment.ProcessId}");

    /// <summary>Read or refused with a <see cref="FeatureFileException"/>, as the import endpoints expect.</summary>
    private static void ReadFile(byte[] bytes, string claimedName)
    {
        File.WriteAllBytes(Scratch, bytes);
        try
        {
            FeatureFileReader.Read(Scratch, claimedName);
        }
        catch (FeatureFileException e) when (Environment.GetEnvironmentVariable("SG_FUZZ_SAY") is not null)
        {
            Console.WriteLine($"refused: {e.Kind}: {e.Message}");
        }
        catch (FeatureFileException)
        {
            // The documented refusal: the endpoint answers it as a problem.
        }
    }
}
