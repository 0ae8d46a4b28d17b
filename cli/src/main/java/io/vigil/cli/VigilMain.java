package io.vigil.cli;

import io.vigil.batch.ForecastMain;
import io.vigil.batch.ForecastJobConfig;
import io.vigil.batch.ScoreMain;
import io.vigil.bridge.BridgeCommand;
import io.vigil.common.VigilException;
import io.vigil.simulator.SimulateCommand;
import io.vigil.stack.StackCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command: one entry point for every Vigil service and tool. */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
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
    // Daily `vigil train --as-of T` and hourly `vigil score --as-of T`: the spark-submit entry points, run in this JVM.
    CommandLine train = new CommandLine(ForecastMain.training());
    train.getCommandSpec().name("train");
    train.getCommandSpec().usageMessage().description("Trains a forecasting model on silver as of --as-of, backtests it"
        + " against seasonal naive, registers it and promotes it to current if it beats the current one (the daily job;"
        + " the same as `vigil forecast --train`).");
    cl.addSubcommand("train", train);
    CommandLine score = new CommandLine(new ScoreMain().withDefaults(stackEndpoints(
        ForecastJobConfig.KAFKA_BOOTSTRAP_SERVERS, ForecastJobConfig.ANOMALIES_TOPIC)));
    score.getCommandSpec().name("score");
    cl.addSubcommand("score", score);
    CommandLine replay = new CommandLine(new io.vigil.batch.ReplayMain());
    replay.getCommandSpec().name("replay");
    cl.addSubcommand("replay", replay);
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

  /** The given keys from the running local stack's endpoints file, if there is one. */
  static java.util.Map<String, String> stackEndpoints(String... keys) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    if (java.nio.file.Files.isRegularFile(io.vigil.common.VigilHome.endpointsFile())) {
      java.util.Map<String, String> stack = io.vigil.common.config.ConfigSources.readProperties(io.vigil.common.VigilHome.endpointsFile());
      for (String key : keys) {
        if (stack.containsKey(key)) {
          out.put(key, stack.get(key));
        }
      }
    }
    return out;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
