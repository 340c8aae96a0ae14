using Npgsql;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Open311;

/// <summary>
/// Locates GeoReport v2's <c>address_string</c> against the city's own names, the only gazetteer it has: its roads
/// (component class 0201) and its communities and grids. The database finds the names the address could mean; the
/// choice among them (exact, best prefix, or ambiguous) is <see cref="AddressMatcher"/>'s.
/// </summary>
public sealed class AddressLocator(NpgsqlDataSource dataSource)
{
    /// <summary>The longest address looked up, in characters.</summary>
    public const int MaxLength = 200;

    /// <summary>How many candidate places are read; an address that begins more names than this is ambiguous anyway.</summary>
    public const int Cap = 50;

    public async Task<AddressMatch> LocateAsync(string address, CancellationToken ct)
    {
        var wanted = AddressMatcher.Normalise(address);
        if (wanted.Length == 0) return new AddressMatch(null, []);
        await using var command = dataSource.CreateCommand(SqlFiles.Get("Open311/Sql/address_places.sql"));
        command.Parameters.AddWithValue("address", wanted);
        command.Parameters.AddWithValue("cap", Cap);
        var places = new List<NamedPlace>();
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) places.Add(new NamedPlace(r.GetString(0), r.GetString(1), r.GetString(2), r.GetDouble(3), r.GetDouble(4)));
        }
        return AddressMatcher.Match(address, places);
    }
}
