using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Xml;

namespace SpatialGrid.Api.Open311;

/// <summary>
/// An Open311 document (a record of <c>Open311Models.cs</c>, or a list of them) answered in the format of the resource
/// asked for: JSON as System.Text.Json writes it, XML as the GeoReport v2 wiki shows it.
/// </summary>
public sealed class Open311Answer(object document, int status = StatusCodes.Status200OK) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public static Open311Answer Fail(int code, string description) => new(new[] { new Error(code, description) }, code);

    public Task ExecuteAsync(HttpContext http)
    {
        if (Open311Format.Of(http) == Open311Format.Json) return TypedResults.Json(document, statusCode: status).ExecuteAsync(http);
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/xml; charset=utf-8";
        return Open311Xml.WriteAsync(http.Response.Body, document, http.RequestAborted);
    }
}

/// <summary>
/// Writes a document as GeoReport v2 XML: a list under its type's root element, one item element each; a record's
/// properties as child elements in their order; a list property as an element holding one element per item named in
/// the singular (<c>endpoints/endpoint</c>, <c>formats/format</c>); null as an empty element (<c>&lt;account_id /&gt;</c>).
/// </summary>
public static class Open311Xml
{
    public static async Task WriteAsync(Stream body, object document, CancellationToken ct)
    {
        // Written to memory first: a document is small, and the response should not end half-written.
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartDocument();
            if (document is IEnumerable list)
            {
                var names = NamesOf(ItemType(document.GetType()));
                xml.WriteStartElement(names.Root);
                foreach (var item in list) WriteElement(xml, names.Item ?? throw new InvalidOperationException($"{names.Root} is not a list"), item);
                xml.WriteEndElement();
            }
            else WriteElement(xml, NamesOf(document.GetType()).Root, document);
            xml.WriteEndDocument();
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(body, ct);
    }

    private static Open311XmlAttribute NamesOf(Type type) =>
        type.GetCustomAttribute<Open311XmlAttribute>() ?? throw new InvalidOperationException($"{type.Name} has no Open311 XML names");

    private static Type ItemType(Type list) =>
        list.IsArray
            ? list.GetElementType()!
            : list.GetInterfaces().Append(list).First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)).GetGenericArguments()[0];

    private static void WriteElement(XmlWriter xml, string name, object? value)
    {
        xml.WriteStartElement(name);
        switch (value)
        {
            case null:
                break;
            case string text:
                xml.WriteString(Storable(text));
                break;
            case bool b:
                xml.WriteString(b ? "true" : "false");
                break;
            case DateTimeOffset at:
                xml.WriteString(at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
                break;
            case IFormattable number:
                xml.WriteString(number.ToString(null, CultureInfo.InvariantCulture));
                break;
            case IEnumerable items:
                foreach (var item in items) WriteElement(xml, Singular(name), item);
                break;
            default:
                foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)) WriteElement(xml, p.Name, p.GetValue(value));
                break;
        }
        xml.WriteEndElement();
    }

    private static string Singular(string name) => name.EndsWith('s') ? name[..^1] : name;

    /// <summary>XML 1.0 cannot carry most control characters (a description may hold one): each becomes U+FFFD.</summary>
    private static string Storable(string text)
    {
        if (text.All(XmlConvert.IsXmlChar)) return text;
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) clean.Append(text, i++, 2);
            else clean.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : '\uFFFD');
        }
        return clean.ToString();
    }
}
