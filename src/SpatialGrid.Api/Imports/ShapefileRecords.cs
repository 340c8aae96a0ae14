using System.Buffers.Binary;

namespace SpatialGrid.Api.Imports;

/// <summary>
/// Walks a .shp's records before NetTopologySuite reads them: each record must fit in the file, and a record of
/// parts and points must have room for the parts and points it counts. NetTopologySuite's reader trusts both: found by
/// fuzzing, a .shp of 236 bytes whose record length was garbage cost it 7 s and 900 MB, and one whose polygon claimed a
/// billion points ran for minutes and took over 10 GB. Fewer than 8 bytes after the last record (padding some writers
/// leave) are not a record and are let be.
/// </summary>
internal static class ShapefileRecords
{
    public static void Check(string shp)
    {
        using var s = File.OpenRead(shp);
        if (s.Length < 100) throw Bad($"the .shp is {s.Length} bytes, shorter than its 100-byte header");
        Span<byte> header = stackalloc byte[8];
        Span<byte> shape = stackalloc byte[44];
        long at = 100;
        for (var n = 1; s.Length - at >= 8; n++)
        {
            s.Position = at;
            s.ReadExactly(header);
            var content = BinaryPrimitives.ReadInt32BigEndian(header[4..]) * 2L;
            var left = s.Length - at - 8;
            if (content < 0 || content > left) throw Bad($"record {n} of the .shp claims {content} bytes but the file has {left} left");
            var read = (int)Math.Min(content, shape.Length);
            s.ReadExactly(shape[..read]);
            if (Needed(shape[..read]) is { } needed && needed > content)
                throw Bad($"record {n} of the .shp counts parts and points that need {needed} bytes but it holds {content}");
            at += 8 + content;
        }
    }

    /// <summary>The bytes a record's counts need at least (type, box, counts, part starts, x and y of each point); null when it counts none.</summary>
    private static long? Needed(ReadOnlySpan<byte> record)
    {
        if (record.Length < 4) return null;
        switch (BinaryPrimitives.ReadInt32LittleEndian(record))
        {
            // PolyLine, Polygon and their Z and M forms, MultiPatch (whose part types take 4 bytes a part more).
            case 3 or 5 or 13 or 15 or 23 or 25 or 31 when record.Length >= 44:
                long parts = BinaryPrimitives.ReadInt32LittleEndian(record[36..]), points = BinaryPrimitives.ReadInt32LittleEndian(record[40..]);
                if (parts < 0 || points < 0) return long.MaxValue;
                return 44 + parts * 4 + points * 16;
            // MultiPoint and its Z and M forms.
            case 8 or 18 or 28 when record.Length >= 40:
                long count = BinaryPrimitives.ReadInt32LittleEndian(record[36..]);
                return count < 0 ? long.MaxValue : 40 + count * 16;
            default:
                return null;
        }
    }

    private static FeatureFileException Bad(string detail) => new("bad-shapefile", $"{detail}: the file is cut off or damaged");
}
