package io.vigil.cli;

import io.vigil.batch.ForecastMain;
import io.vigil.bridge.BridgeCommand;
import io.vigil.common.VigilException;
import io.vigil.simulator.SimulateCommand;
import io.vigil.stack.StackCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command: one entry point for every Vigil service and tool. */
@Command(name = "vigil", mixinStandardHelpOptions = true, version = "vigil 0.1.0",
    description = {
        "Vigil: IoT telemetry from MQTT to Kafka to Delta, with gap detection, forecasting and anomaly scoring.",
        "Start with `vigil demo`, or `vigil stack up` and then any subcommand with no flags."},
    subcommands = {DemoCommand.class, StackCommand.class, SimulateCommand.class, BridgeCommand.class, StreamCommand.class,
        AnomaliesCommand.class, BenchCommand.class})
public final class VigilMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Builds the command line with Vigil's error handling: user errors print their message, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new VigilMain());
    CommandLine forecast = new CommandLine(new ForecastMain());
    forecast.getCommandSpec().name("forecast");
    cl.addSubcommand("forecast", forecast);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      Throwable t = ex;
      while (t != null && !(t instanceof VigilException)) {
        t = t.getCause();
      }
      if (t != null) {
        line.getErr().println("vigil: " + t.getMessage());
        return 2;
      }
      throw ex;
    });
    return cl;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
