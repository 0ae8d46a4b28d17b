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
 * The forecasting job's entry point for spark-submit and local runs:
 * {@code spark-submit --class io.vigil.batch.ForecastMain vigil-batch-ml-<v>-spark.jar --config forecast.properties --as-of 2026-11-22T10:00:00Z}.
 * Without a master from spark-submit it runs in-process on all cores.
 */
@Command(name = "vigil-forecast", mixinStandardHelpOptions = true,
    description = "Forecasts every (device, metric) series in silver for the next H buckets and writes the forecasts Delta table.")
public final class ForecastMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ForecastMain.class);
  static final int EXIT_USER_ERROR = 2;

  @Option(names = "--as-of", paramLabel = "INSTANT",
      description = "Logical run time, ISO-8601 (e.g. 2026-11-22T10:00:00Z); only data before it is used. Default: now, truncated to the hour.")
  Instant asOf;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the job's settings.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one setting; repeatable; wins over --config.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--train", description = "Train, backtest and register a model as of --as-of (promoting it if it beats"
      + " the current one) instead of writing forecasts.")
  boolean train;

  private final Clock clock;

  public ForecastMain() {
    this(Clock.systemUTC());
  }

  /** The training entry point ({@code vigil train}): as this command with --train always on. */
  public static ForecastMain training() {
    ForecastMain main = new ForecastMain();
    main.train = true;
    return main;
  }

  ForecastMain(Clock clock) {
    this.clock = clock;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new ForecastMain()).execute(args));
  }

  static CommandLine commandLine(ForecastMain main) {
    return new CommandLine(main).setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof VigilException) {
        cmd.getErr().println(e.getMessage());
        return EXIT_USER_ERROR;
      }
      throw e;
    });
  }

  /** The as_of this invocation runs for. */
  Instant effectiveAsOf() {
    return asOf != null ? asOf : clock.instant().truncatedTo(ChronoUnit.HOURS);
  }

  @Override
  public Integer call() {
    ForecastJobConfig config = ForecastJobConfig.load(configFile, overrides);
    Instant runAsOf = effectiveAsOf();
    SparkSession spark = SparkSessions.forJob("vigil-forecast");
    try {
      if (train) {
        ForecastTraining.Report report = ForecastJob.train(spark, config, runAsOf, clock);
        LOG.info("Done: model {} ({}), backtest relMASE {} over {} series; {}", report.version(),
            report.reused() ? "already trained" : "trained", report.backtest().relMase(), report.backtest().seriesScored(),
            report.promotion().promoted() ? "now current" : "not promoted: " + report.promotion().reason());
        return 0;
      }
      ForecastRunSummary summary = ForecastJob.run(spark, config, runAsOf);
      LOG.info("Done: {} series forecast, {} too short, {} without backtest, relMASE {}",
          summary.seriesForecast(), summary.seriesTooShort(), summary.seriesWithoutBacktest(), summary.relMase());
      return 0;
    } finally {
      spark.stop();
    }
  }
}
