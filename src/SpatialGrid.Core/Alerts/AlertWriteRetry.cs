namespace SpatialGrid.Core.Alerts;

/// <summary>How a batch is written: with the writer's hints of open cases or not, looking up only the messages it stored lately or every one.</summary>
public readonly record struct WriteMode(bool UseHints, bool LookUpAll)
{
    public static readonly WriteMode First = new(UseHints: true, LookUpAll: false);
}

/// <summary>How an attempt at a batch ended: committed, or rolled back for a reason that another attempt cures.</summary>
public enum WriteOutcome
{
    Committed = 1,
    /// <summary>An open case the batch joined through a hint was closed meanwhile (here or in another instance).</summary>
    StaleCaseHint = 2,
    /// <summary>A message stored before but not remembered met the unique key.</summary>
    UnrememberedRepeat = 3,
}

/// <summary>
/// The alert writer's retry rule, as values: after a rolled-back attempt, the next one (the hints dropped, or every message looked
/// up), or none. Each step turns one flag, so a batch is tried at most four times before the error goes to the pipeline.
/// </summary>
public static class AlertWriteRetry
{
    public static WriteMode? After(WriteMode mode, WriteOutcome outcome) => outcome switch
    {
        WriteOutcome.StaleCaseHint when mode.UseHints => mode with { UseHints = false },
        // The hints are dropped before any retry (the rolled-back attempt may have left hints to cases it opened), so the
        // next attempt's hints are only those its own look-up finds.
        WriteOutcome.UnrememberedRepeat when !mode.LookUpAll => new WriteMode(UseHints: true, LookUpAll: true),
        _ => null,
    };
}
