using System.Runtime.InteropServices;

namespace SpatialGrid.Hotspots;

/// <summary>
/// LightGBM's threads (OpenMP, libgomp) meet at a barrier many times per tree, and by default a thread that arrives first
/// spins on its core while it waits. Where the cores are shared (the service's ingestion and tiles beside the nightly
/// training, a second instance, a back-test beside a benchmark), the spinning takes the core from the very thread it waits
/// for: on this project's 2-core machine with one other busy process, LightGBM's two trainings of the city-scale fit took
/// 26 s spinning against 14 s waiting passively, and no difference on an idle machine (tests/SpatialGrid.Benchmarks/RESULTS.md,
/// "Training at city scale"). So the processes that train ask for passive waits, unless <c>OMP_WAIT_POLICY</c> is set already.
/// The arithmetic is the same either way: only how threads wait changes.
/// </summary>
public static class OpenMpWaits
{
    /// <summary>
    /// Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the process's native environment unless it is set. Call it first thing in
    /// Main: libgomp reads it once, when LightGBM's library is loaded, and the native environment must not be changed while
    /// other threads may read it. (.NET's own environment on Linux is a managed copy that native code does not see.)
    /// </summary>
    public static void PreferPassive()
    {
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { Length: > 0 }) return;
        if (OperatingSystem.IsWindows()) Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE");
        else SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, SetLastError = true)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
