using CsCheck;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Core.Tests.Cases;

/// <summary>
/// Properties of the case state machine over random command sequences from a new report. A sequence mixes the
/// actions the machine allows at each step with arbitrary ones, so that both the paths through the loop and the
/// refusals on the way are exercised.
/// </summary>
public class CaseStateMachinePropertyTests
{
    private static readonly CaseState[] States = Enum.GetValues<CaseState>();
    private static readonly CaseAction[] Actions = Enum.GetValues<CaseAction>();
    private static readonly CaseState[] Terminal = [CaseState.Closed, CaseState.Rejected];

    /// <summary>Each step: an allowed action (picked by the number) or, one time in three, any action at all.</summary>
    private static readonly Gen<(int Pick, bool Any)[]> Commands = Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 2]).Select(t => (t.Item1, t.Item2 == 0)).Array[0, 60];

    private static CaseAction Choose(CaseState state, (int Pick, bool Any) step)
    {
        var allowed = CaseStateMachine.Allowed(state);
        return step.Any || allowed.Count == 0 ? Actions[step.Pick % Actions.Length] : allowed[step.Pick % allowed.Count];
    }

    /// <summary>Runs the commands from a new report; the states visited, the report first.</summary>
    private static List<CaseState> Run((int Pick, bool Any)[] commands)
    {
        var trace = new List<CaseState> { CaseState.Reported };
        var state = CaseState.Reported;
        foreach (var step in commands)
        {
            var action = Choose(state, step);
            var allowed = CaseStateMachine.Allowed(state);
            var applied = CaseStateMachine.TryApply(state, action, out var next, out var error);
            Assert.Equal(allowed.Contains(action), applied);
            if (applied)
            {
                Assert.Null(error);
                state = next;
                trace.Add(state);
            }
            else
            {
                // A refusal changes nothing and names exactly what is allowed instead.
                Assert.Equal(state, next);
                var names = allowed.Count == 0 ? "nothing (the case is finished)" : string.Join(", ", allowed.Select(CaseNames.Name));
                Assert.EndsWith("allowed now: " + names, error);
                Assert.StartsWith($"a {CaseNames.Name(state)} case cannot be {CaseNames.Past(action)};", error);
            }
            Assert.True(Enum.IsDefined(state), $"{(int)state} is not a case state");
        }
        return trace;
    }

    [Fact]
    public void No_command_sequence_reaches_an_undefined_state_and_every_refusal_leaves_the_case_as_it_was()
    {
        Commands.Sample(commands => { Run(commands); }, iter: 5000);
    }

    [Fact]
    public void Closed_and_rejected_are_terminal_nothing_leaves_them_and_only_they_are_not_open()
    {
        foreach (var state in States)
            Assert.Equal(!Terminal.Contains(state), CaseStateMachine.IsOpen(state));
        Commands.Sample(commands =>
        {
            var trace = Run(commands);
            var end = trace.FindIndex(s => Terminal.Contains(s));
            if (end >= 0) Assert.Equal(end, trace.Count - 1);
        }, iter: 5000);
        foreach (var state in Terminal)
            foreach (var action in Actions)
                Assert.False(CaseStateMachine.TryApply(state, action, out _, out _));
    }

    [Fact]
    public void A_case_is_closed_only_at_the_end_of_dispatch_arrival_feedback_and_verification()
    {
        Commands.Sample(commands =>
        {
            var trace = Run(commands);
            if (trace[^1] != CaseState.Closed) return;
            Assert.Equal([CaseState.Dispatched, CaseState.OnScene, CaseState.Handled, CaseState.Verified, CaseState.Closed], trace[^5..]);
            // It was accepted before it was ever dispatched, and never went back to being a bare report.
            Assert.Equal(CaseState.Accepted, trace[1]);
            Assert.Equal(1, trace.Count(s => s == CaseState.Reported));
        }, iter: 5000);
    }

    [Fact]
    public void A_case_is_rejected_only_straight_from_the_report()
    {
        Commands.Sample(commands =>
        {
            var trace = Run(commands);
            if (trace.Contains(CaseState.Rejected)) Assert.Equal([CaseState.Reported, CaseState.Rejected], trace);
        }, iter: 3000);
    }

    [Fact]
    public void Every_state_is_reachable_from_a_report_and_every_open_one_can_still_be_closed()
    {
        var reachable = Reach(CaseState.Reported);
        Assert.Equal(States.Order(), reachable.Order());
        foreach (var state in States.Where(CaseStateMachine.IsOpen))
            Assert.Contains(CaseState.Closed, Reach(state));
        // The random runs find the same states as the search: no part of the loop is reachable only in theory.
        var seen = new HashSet<CaseState>();
        Commands.Sample(commands => { seen.UnionWith(Run(commands)); }, iter: 3000, threads: 1);
        Assert.Equal(States.Order(), seen.Order());
    }

    [Fact]
    public void Names_of_states_and_actions_parse_back_to_themselves()
    {
        foreach (var state in States)
        {
            Assert.True(CaseNames.TryParse(CaseNames.Name(state), out CaseState back));
            Assert.Equal(state, back);
        }
        foreach (var action in Actions)
        {
            Assert.True(CaseNames.TryParse(CaseNames.Name(action), out CaseAction back));
            Assert.Equal(action, back);
        }
        Gen.String.Sample(text =>
        {
            if (CaseNames.TryParse(text, out CaseAction a)) Assert.Equal(CaseNames.Name(a), text);
            if (CaseNames.TryParse(text, out CaseState s)) Assert.Equal(CaseNames.Name(s), text);
        }, iter: 2000);
    }

    /// <summary>The states reachable from <paramref name="from"/> (itself included), by breadth-first search.</summary>
    private static HashSet<CaseState> Reach(CaseState from)
    {
        var seen = new HashSet<CaseState> { from };
        var queue = new Queue<CaseState>([from]);
        while (queue.TryDequeue(out var state))
        {
            foreach (var action in CaseStateMachine.Allowed(state))
            {
                Assert.True(CaseStateMachine.TryApply(state, action, out var next, out _));
                if (seen.Add(next)) queue.Enqueue(next);
            }
        }
        return seen;
    }
}
