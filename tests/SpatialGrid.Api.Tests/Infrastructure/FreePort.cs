using System.Net;
using System.Net.Sockets;

namespace SpatialGrid.Api.Tests.Infrastructure;

/// <summary>A loopback TCP port nobody listens on right now (for a broker or a server a test starts).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
