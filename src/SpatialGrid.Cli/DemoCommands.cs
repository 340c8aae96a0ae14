using System.CommandLine;

namespace SpatialGrid.Cli;

/// <summary>
/// <c>sgrid demo build</c>: regenerates gis-data/demo from the real source data (see gis-data/README.md);
/// <c>sgrid demo patrols</c>: loads a week of patrols on the demo city (see gis-data/demo/patrols/README.md).
/// </summary>
public static class DemoCommands
{
    public static Command Create()
    {
        var demo = new Command("demo", "The demo city");
        var source = new Option<DirectoryInfo>("--source") { Description = "The shared data folder (holds shanghai/)", Required = true };
        var output = new Option<DirectoryInfo>("--output") { Description = "Where to write the demo files", DefaultValueFactory = _ => new DirectoryInfo("gis-data/demo") };
        var build = new Command("build", "Build the demo city's grids from the real district polygons and road network") { source, output };
        build.SetAction(parse => DemoCityBuilder.Run(parse.GetValue(source)!, parse.GetValue(output)!));
        demo.Subcommands.Add(build);
        demo.Subcommands.Add(DemoPatrolsCommand.Create());
        demo.Subcommands.Add(DemoCasesCommand.Create());
        demo.Subcommands.Add(DemoLoopCommand.Create());
        return demo;
    }
}
