using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Core.Tests.Alerts;

public class AlertWriteRetryTests
{
    [Fact]
    public void A_stale_hint_is_written_again_without_hints_then_given_up()
    {
        var again = AlertWriteRetry.After(WriteMode.First, WriteOutcome.StaleCaseHint);
        Assert.Equal(new WriteMode(UseHints: false, LookUpAll: false), again);
        Assert.Null(AlertWriteRetry.After(again!.Value, WriteOutcome.StaleCaseHint));
    }

    [Fact]
    public void An_unremembered_repeat_is_written_again_with_every_message_looked_up_then_given_up()
    {
        Assert.Equal(new WriteMode(UseHints: true, LookUpAll: true), AlertWriteRetry.After(WriteMode.First, WriteOutcome.UnrememberedRepeat));
        Assert.Equal(new WriteMode(UseHints: true, LookUpAll: true), AlertWriteRetry.After(new WriteMode(false, false), WriteOutcome.UnrememberedRepeat));
        Assert.Null(AlertWriteRetry.After(new WriteMode(true, true), WriteOutcome.UnrememberedRepeat));
    }

    [Fact]
    public void A_committed_batch_is_not_written_again()
    {
        Assert.Null(AlertWriteRetry.After(WriteMode.First, WriteOutcome.Committed));
    }

    [Fact]
    public void A_batch_is_tried_at_most_four_times_whatever_goes_wrong()
    {
        // Every sequence of rollbacks: each retry turns one flag, so no path has more than three retries.
        int Longest(WriteMode mode) => new[] { WriteOutcome.StaleCaseHint, WriteOutcome.UnrememberedRepeat }
            .Select(o => AlertWriteRetry.After(mode, o) is { } next ? 1 + Longest(next) : 1).Max();
        Assert.Equal(4, Longest(WriteMode.First));
    }
}
