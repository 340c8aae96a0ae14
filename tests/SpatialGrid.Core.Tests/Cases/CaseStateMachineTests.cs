using SpatialGrid.Core.Cases;

namespace SpatialGrid.Core.Tests.Cases;

public class CaseStateMachineTests
{
    [Fact]
    public void The_whole_loop_runs_from_report_to_closure()
    {
        var state = CaseState.Reported;
        foreach (var action in new[] { CaseAction.Accept, CaseAction.Dispatch, CaseAction.Arrive, CaseAction.Feedback, CaseAction.Verify, CaseAction.Close })
        {
            Assert.True(CaseStateMachine.TryApply(state, action, out state, out var error), error);
        }
        Assert.Equal(CaseState.Closed, state);
        Assert.False(CaseStateMachine.IsOpen(state));
    }

    [Fact]
    public void An_out_of_order_action_is_refused_naming_the_state_and_the_allowed_actions()
    {
        Assert.False(CaseStateMachine.TryApply(CaseState.Reported, CaseAction.Close, out var next, out var error));
        Assert.Equal(CaseState.Reported, next);
        Assert.Equal("a reported case cannot be closed; allowed now: accept, reject", error);
    }

    [Fact]
    public void A_closed_case_allows_nothing()
    {
        Assert.False(CaseStateMachine.TryApply(CaseState.Closed, CaseAction.Rework, out _, out var error));
        Assert.Contains("nothing", error);
    }

    [Fact]
    public void Rework_sends_a_handled_case_back_to_the_unit_and_escalation_back_to_dispatch()
    {
        Assert.True(CaseStateMachine.TryApply(CaseState.Handled, CaseAction.Rework, out var reworked, out _));
        Assert.Equal(CaseState.Dispatched, reworked);
        Assert.True(CaseStateMachine.TryApply(CaseState.Dispatched, CaseAction.Escalate, out var escalated, out _));
        Assert.True(CaseStateMachine.TryApply(escalated, CaseAction.Dispatch, out var redispatched, out _));
        Assert.Equal(CaseState.Dispatched, redispatched);
    }

    [Fact]
    public void Every_state_but_the_final_ones_has_a_way_forward()
    {
        foreach (var s in Enum.GetValues<CaseState>().Where(CaseStateMachine.IsOpen))
            Assert.NotEmpty(CaseStateMachine.Allowed(s));
    }

    [Fact]
    public void The_hash_chain_changes_when_any_field_changes()
    {
        var at = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));
        var a = CaseHash.Of(CaseHash.Genesis, "310101-20261124-0001", 1, at, "alice", "accept", "reported", "accepted", null, null);
        Assert.Equal(a, CaseHash.Of(CaseHash.Genesis, "310101-20261124-0001", 1, at, "alice", "accept", "reported", "accepted", null, null));
        Assert.NotEqual(a, CaseHash.Of(CaseHash.Genesis, "310101-20261124-0001", 1, at, "mallory", "accept", "reported", "accepted", null, null));
        Assert.NotEqual(a, CaseHash.Of(a, "310101-20261124-0001", 1, at, "alice", "accept", "reported", "accepted", null, null));
    }
}
