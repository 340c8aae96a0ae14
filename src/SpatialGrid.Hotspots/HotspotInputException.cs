namespace SpatialGrid.Hotspots;

/// <summary>Input the engine cannot work with (too little history, a lattice too fine, no cells): the message says why and what would do.</summary>
public sealed class HotspotInputException(string message) : Exception(message);
