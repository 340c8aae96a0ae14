namespace SpatialGrid.Api.Tests.Maps;

/// <summary>
/// Just enough protocol buffers to read what the service sends (vector tiles, glyph ranges) without generated code:
/// each message as its fields (number, wire type, value: a varint, or the bytes of a length-delimited field).
/// </summary>
public static class Protobuf
{
    public readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);

    public static List<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var span = message.Span;
        var at = 0;
        while (at < span.Length)
        {
            var tag = Varint(span, ref at);
            int number = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0: fields.Add(new Field(number, 0, Varint(span, ref at), default)); break;
                case 1: fields.Add(new Field(number, 1, BitConverter.ToUInt64(span.Slice(at, 8)), message.Slice(at, 8))); at += 8; break;
                case 2:
                    var length = (int)Varint(span, ref at);
                    fields.Add(new Field(number, 2, (ulong)length, message.Slice(at, length)));
                    at += length;
                    break;
                case 5: fields.Add(new Field(number, 5, BitConverter.ToUInt32(span.Slice(at, 4)), message.Slice(at, 4))); at += 4; break;
                default: throw new FormatException($"wire type {wire} at byte {at}");
            }
        }
        return fields;
    }

    public static ulong Varint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    public static string Text(Field f) => System.Text.Encoding.UTF8.GetString(f.Bytes.Span);
}

/// <summary>A vector tile's layers read back: each feature's properties and geometry type (1 point, 2 line, 3 polygon).</summary>
public static class Mvt
{
    public sealed record Feature(int GeometryType, IReadOnlyDictionary<string, object> Properties);

    public static Dictionary<string, List<Feature>> Read(byte[] tile)
    {
        var layers = new Dictionary<string, List<Feature>>();
        foreach (var layer in Protobuf.Fields(tile).Where(f => f.Number == 3))
        {
            var fields = Protobuf.Fields(layer.Bytes);
            var name = Protobuf.Text(fields.Single(f => f.Number == 1));
            var keys = fields.Where(f => f.Number == 3).Select(Protobuf.Text).ToList();
            var values = fields.Where(f => f.Number == 4).Select(v => Value(Protobuf.Fields(v.Bytes).Single())).ToList();
            var features = new List<Feature>();
            foreach (var feature in fields.Where(f => f.Number == 2))
            {
                var parts = Protobuf.Fields(feature.Bytes);
                var tags = Packed(parts.Where(p => p.Number == 2));
                var properties = new Dictionary<string, object>();
                for (var i = 0; i + 1 < tags.Count; i += 2) properties[keys[(int)tags[i]]] = values[(int)tags[i + 1]];
                features.Add(new Feature((int)parts.Single(p => p.Number == 3).Varint, properties));
            }
            layers[name] = features;
        }
        return layers;
    }

    private static List<ulong> Packed(IEnumerable<Protobuf.Field> fields)
    {
        var list = new List<ulong>();
        foreach (var f in fields)
        {
            var span = f.Bytes.Span;
            var at = 0;
            while (at < span.Length) list.Add(Protobuf.Varint(span, ref at));
        }
        return list;
    }

    private static object Value(Protobuf.Field v) => v.Number switch
    {
        1 => Protobuf.Text(v),
        2 => (double)BitConverter.ToSingle(v.Bytes.Span),
        3 => BitConverter.ToDouble(v.Bytes.Span),
        4 => (double)(long)v.Varint,
        5 => (double)v.Varint,
        6 => (double)Protobuf.ZigZag(v.Varint),
        7 => v.Varint != 0,
        _ => throw new FormatException($"value field {v.Number}"),
    };
}
