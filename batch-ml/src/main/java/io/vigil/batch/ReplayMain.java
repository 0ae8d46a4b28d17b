package io.vigil.batch;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil replay}: walk-forward scoring of a CSV export (see {@link Replay}). Runs without Spark,
 * so it is also a plain {@code java -cp} main.
 */
@Command(name = "vigil-replay", mixinStandardHelpOptions = true,
    description = {"Scores a CSV of readings walk-forward, each reading from the readings before it only, exactly as the"
        + " hourly scoring job would have (same settings for every series), and writes timestamp,value,anomaly_score"
        + " (plus device,metric when the input has them) in input order: ready for a labelled benchmark, or to backfill"
        + " scores over a historical export.",
        "Input: a header naming timestamp and value, optionally device and metric (any order; other columns ignored)."
            + " Timestamps: ISO-8601 (no zone means UTC) or epoch seconds or milliseconds. Empty, NaN, NA or null"
            + " values are kept with a score of 0. Rows that cannot be read are rejected and listed with their line"
            + " number and reason."})
public final class ReplayMain implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "CSV", description = "The readings to score.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "CSV", description = "Where to write the scores (overwritten).")
  Path output;

  @Option(names = "--rejects", paramLabel = "CSV", description = "Also write every rejected row (line,reason,detail,text) here.")
  Path rejects;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the scoring settings (as for vigil score).")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one setting; repeatable; wins over --config.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--train-every", paramLabel = "DURATION",
      description = "Replay the daily training job too: every DURATION of data (e.g. 1d), train a model on the readings"
          + " before that time (local Spark) and score the following windows with the model then current (promoted only"
          + " when it beats seasonal naive). Without it every window is scored against seasonal naive, which needs no"
          + " training. The registry is a temporary directory unless models.path is set.")
  String trainEvery;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(new ReplayMain()).execute(args));
  }

  static CommandLine commandLine(ReplayMain main) {
    return new CommandLine(main).setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof io.vigil.common.VigilException) {
        cmd.getErr().println(e.getMessage());
        return ForecastMain.EXIT_USER_ERROR;
      }
      throw e;
    });
  }

  @Override
  public Integer call() {
    if (trainEvery == null) {
      ForecastJobConfig config = ForecastJobConfig.load(configFile, overrides);
      return report(Replay.run(config, input, output, rejects));
    }
    java.time.Duration every = io.vigil.common.internal.Durations.parse(trainEvery);
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>(io.vigil.common.config.ConfigSources.load(configFile, overrides));
    if (!settings.containsKey(ForecastJobConfig.MODELS_PATH)) {
      try {
        settings.put(ForecastJobConfig.MODELS_PATH, java.nio.file.Files.createTempDirectory("vigil-replay-models").toString());
      } catch (java.io.IOException e) {
        throw io.vigil.common.VigilErrors.outputNotWritable(Path.of(System.getProperty("java.io.tmpdir")), e);
      }
    }
    ForecastJobConfig config = new ForecastJobConfig(settings);
    org.apache.spark.sql.SparkSession spark = io.vigil.batch.internal.SparkSessions.local("vigil-replay");
    try {
      return report(Replay.run(config, input, output, rejects, every, spark));
    } finally {
      spark.stop();
    }
  }

  private int report(Replay.Summary s) {
    PrintWriter out = spec.commandLine().getOut();
    Replay.describe(s, input, output, 10).forEach(out::println);
    out.flush();
    return 0;
  }
}
