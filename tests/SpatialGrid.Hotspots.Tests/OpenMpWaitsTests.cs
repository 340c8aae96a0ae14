using System.Runtime.InteropServices;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>
/// The passive-wait request must reach the native environment, which libgomp reads when LightGBM loads: .NET's own
/// environment on Linux is a managed copy that native code never sees.
/// </summary>
public class OpenMpWaitsTests
{
    [DllImport("libc", EntryPoint = "getenv", CharSet = CharSet.Ansi)]
    private static extern IntPtr GetEnv(string name);

    [Fact]
    public void Passive_waits_are_in_the_native_environment_unless_a_policy_was_set_already()
    {
        if (OperatingSystem.IsWindows()) return;
        var before = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        OpenMpWaits.PreferPassive();
        var native = Marshal.PtrToStringAnsi(GetEnv("OMP_WAIT_POLICY"));
        Assert.Equal(string.IsNullOrEmpty(before) ? "PASSIVE" : before, native);
    }
}
