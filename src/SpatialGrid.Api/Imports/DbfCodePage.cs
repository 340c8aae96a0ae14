using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace SpatialGrid.Api.Imports;

/// <summary>
/// The code page of a Shapefile's DBF, chosen in this order: the .cpg file; else the DBF's language-driver byte
/// (LDID, e.g. 0x4D = 936); else UTF-8 when every text byte of the DBF is valid UTF-8, and GBK (code page 936) when
/// not, for Chinese Shapefiles without a declaration are mostly GBK. The LDIDs that mean "Windows ANSI" (0x03,
/// 0x57–0x59) name the code page of whatever PC wrote the file, which on a Chinese PC is GBK, so they count as no
/// declaration. Bytes that are not valid in the chosen code page decode to U+FFFD, which <see cref="LostText"/> turns
/// into an error on the field rather than text stored with holes in it.
/// </summary>
public sealed record DbfCodePage(Encoding Encoding, string Name, string Source)
{
    // The code pages beyond UTF-8 and Latin-1 (GBK, Big5…) come from this provider; registering it twice is harmless.
    static DbfCodePage() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly Dictionary<byte, int> LanguageDrivers = new()
    {
        [0x01] = 437, [0x02] = 850, [0x64] = 852, [0x65] = 866, [0xC8] = 1250, [0xC9] = 1251, [0xCA] = 1254, [0xCB] = 1253,
        [0x13] = 932, [0x7B] = 932, [0x4D] = 936, [0x7A] = 936, [0x4E] = 949, [0x79] = 949, [0x4F] = 950, [0x78] = 950,
    };

    public static DbfCodePage Of(string dbfPath, string? cpg)
    {
        if (cpg is not null && FromCpg(cpg) is { } declared) return declared;
        var ldid = LanguageDriver(dbfPath);
        if (LanguageDrivers.TryGetValue(ldid, out var page))
            return new DbfCodePage(CodePage(page), NameOf(page), $"declared by the DBF's language driver 0x{ldid:X2}");
        return IsUtf8(dbfPath)
            ? new DbfCodePage(Utf8Text, "UTF-8", "taken as no code page is declared and the text is valid UTF-8")
            : new DbfCodePage(CodePage(936), "GBK", "taken as no code page is declared and the text is not valid UTF-8");
    }

    /// <summary>Why an attribute read in this code page cannot be stored (it holds U+FFFD where bytes were not valid), or null.</summary>
    public string? LostText(IReadOnlyDictionary<string, object?> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (name.Contains('\uFFFD') || value is string s && s.Contains('\uFFFD'))
                return $"attribute '{name}' holds bytes that are not valid {Name} (the code page {Source}): " +
                    "save the file as UTF-8 with a .cpg saying UTF-8, or correct its .cpg";
        }
        return null;
    }

    private static readonly Encoding Utf8Text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>A code page that decodes invalid bytes to U+FFFD (the code-page provider's default is a silent '?').</summary>
    private static Encoding CodePage(int page) =>
        page == 65001 ? Utf8Text : Encoding.GetEncoding(page, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD"));

    private static string NameOf(int page) => page switch
    {
        65001 => "UTF-8",
        936 => "GBK",
        54936 => "GB18030",
        950 => "Big5",
        _ => $"code page {page}",
    };

    /// <summary>The .cpg's code page: "UTF-8", "GBK", "936", "ANSI 936", "CP936", "GB2312", "88591"… Null when it names the writer's system code page.</summary>
    private static DbfCodePage? FromCpg(string text)
    {
        var s = text.Trim().ToUpperInvariant().Replace(" ", "").Replace("-", "").Replace("_", "");
        if (s is "" or "SYSTEM" or "ANSI" or "OEM") return null;
        foreach (var prefix in new[] { "ANSI", "CP", "WINDOWS" })
        {
            if (s.StartsWith(prefix) && s.Length > prefix.Length && char.IsDigit(s[prefix.Length])) s = s[prefix.Length..];
        }
        int? page = s switch
        {
            "UTF8" or "65001" => 65001,
            "GBK" or "GB2312" or "EUCCN" or "936" => 936,
            "GB18030" or "54936" => 54936,
            "BIG5" or "950" => 950,
            "88591" or "ISO88591" or "LATIN1" => 28591,
            _ => int.TryParse(s, out var n) ? n : null,
        };
        try
        {
            page ??= Encoding.GetEncoding(text.Trim()).CodePage;
            return new DbfCodePage(CodePage(page.Value), NameOf(page.Value), $"declared by the .cpg ('{Clip(text.Trim())}')");
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new FeatureFileException("bad-shapefile", $"the .cpg names the code page '{Clip(text.Trim())}', which is not known: write UTF-8 or GBK in it");
        }
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private static byte LanguageDriver(string dbfPath)
    {
        using var s = File.OpenRead(dbfPath);
        if (s.Length < 32) return 0;
        s.Position = 29;
        return (byte)s.ReadByte();
    }

    /// <summary>Whether the field names and every character field of every record are valid UTF-8 (plain ASCII is).</summary>
    private static bool IsUtf8(string dbfPath)
    {
        using var s = new BufferedStream(File.OpenRead(dbfPath));
        var header = new byte[32];
        if (s.ReadAtLeast(header, 32, throwOnEndOfStream: false) < 32) return true;
        var records = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)), recordLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(10));
        var fields = new List<(int Offset, int Length)>();
        var descriptor = new byte[32];
        var offset = 1; // each record starts with its deletion flag
        for (var read = 32; read + 32 <= headerLength; read += 32)
        {
            var first = s.ReadByte();
            if (first is -1 or 0x0D) break;
            descriptor[0] = (byte)first;
            if (s.ReadAtLeast(descriptor.AsSpan(1), 31, throwOnEndOfStream: false) < 31) return true;
            var name = descriptor.AsSpan(0, 11);
            var end = name.IndexOf((byte)0);
            if (!Utf8.IsValid(end < 0 ? name : name[..end])) return false;
            if (descriptor[11] == (byte)'C') fields.Add((offset, descriptor[16]));
            offset += descriptor[16];
        }
        if (fields.Count == 0 || recordLength == 0) return true;
        s.Position = headerLength;
        var record = new byte[recordLength];
        for (var r = 0; r < records; r++)
        {
            if (s.ReadAtLeast(record, recordLength, throwOnEndOfStream: false) < recordLength) break;
            foreach (var (o, length) in fields)
            {
                if (o + length <= recordLength && !Utf8.IsValid(record.AsSpan(o, length))) return false;
            }
        }
        return true;
    }
}
