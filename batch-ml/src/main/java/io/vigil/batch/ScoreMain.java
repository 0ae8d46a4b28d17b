package io.vigil.batch;

import io.vigil.batch.internal.SparkSessions;
import io.vigil.common.VigilException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The scoring job's entry point for spark-submit and local runs:
 * {@code spark-submit --class io.vigil.batch.ScoreMain vigil-batch-ml-<v>-spark.jar --config batch.properties --as-of 2026-11-22T10:00:00Z}
 * scores [as_of - score.interval, as_of). Same settings file as {@link ForecastMain}.
 */
@Command(name = "vigil-score", mixinStandardHelpOptions = true,
    description = "Scores the readings of one window against their forecasts, writes the scores and anomaly events"
        + " Delta tables and publishes the events to Kafka. Rerunning a window replaces its rows and republishes the same event ids.")
public final class ScoreMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreMain.class);

  @Option(names = "--as-of", paramLabel = "INSTANT",
      description = "End of the scored window, ISO-8601 (e.g. 2026-11-22T10:00:00Z); only data before it is used."
          + " Default: now, truncated to the hour.")
  Instant asOf;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the job's settings.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one setting; repeatable; wins over --config.")
  List<String> overrides = new ArrayList<>();

  private final Clock clock;
  private final java.util.Map<String, String> defaults = new java.util.LinkedHashMap<>();

  public ScoreMain() {
    this(Clock.systemUTC());
  }

  ScoreMain(Clock clock) {
    this.clock = clock;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new ScoreMain()).execute(args));
  }

  static CommandLine commandLine(ScoreMain main) {
    return new CommandLine(main).setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof VigilException) {
        cmd.getErr().println(e.getMessage());
        return ForecastMain.EXIT_USER_ERROR;
      }
      throw e;
    });
  }

  /**
   * Settings applied beneath --config and --set: {@code vigil score} passes the local stack's
   * endpoints (Kafka, topics) here, so after {@code vigil stack up} it needs no flags.
   */
  public ScoreMain withDefaults(java.util.Map<String, String> settings) {
    defaults.putAll(settings);
    return this;
  }

  ForecastJobConfig config() {
    java.util.Map<String, String> merged = new java.util.LinkedHashMap<>(defaults);
    merged.putAll(io.vigil.common.config.ConfigSources.load(configFile, overrides));
    return new ForecastJobConfig(merged);
  }

  Instant effectiveAsOf() {
    return asOf != null ? asOf : clock.instant().truncatedTo(ChronoUnit.HOURS);
  }

  @Override
  public Integer call() {
    ForecastJobConfig config = config();
    SparkSession spark = SparkSessions.forJob("vigil-score");
    try {
      ScoreJob.Summary s = ScoreJob.run(spark, config, effectiveAsOf());
      LOG.info("Done: {} series, {} readings scored, {} anomalous, {} events ({} spikes, {} level shifts, {} drifts,"
              + " {} deviations) against {}{}", s.seriesScored(), s.readingsScored(), s.anomalousReadings(), s.events(),
          s.spikes(), s.levelShifts(), s.drifts(), s.deviations(), s.forecaster(), s.published() ? "; published" : "");
      return 0;
    } finally {
      spark.stop();
    }
  }
}
