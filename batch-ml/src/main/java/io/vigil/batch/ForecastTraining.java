package io.vigil.batch;

import io.vigil.batch.internal.Backtest;
import io.vigil.batch.internal.CorrectionWeight;
import io.vigil.batch.internal.DeltaTables;
import io.vigil.batch.internal.FeatureSpec;
import io.vigil.batch.internal.ForecastPlan;
import io.vigil.batch.internal.ModelForecaster;
import io.vigil.batch.internal.ModelTraining;
import io.vigil.batch.internal.Resampler;
import io.vigil.common.VigilErrors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the forecasting model as of a time, backtests it against seasonal naive and the moving
 * average, saves it to the registry, and promotes it if it beats the current model.
 *
 * <p>Steps: resample the history window before as_of; fit on examples whose targets lie before the
 * first backtest origin (each series normalised on that part only); run the rolling-origin
 * backtest with the trees' correction weighted per origin by the other origins ({@link CorrectionWeight});
 * refit on the whole window (forecast.model.refit) unless the weight on all origins is 0; save; promote. The version is
 * {@code gbt-<as_of>-<hash of the settings>}, so a rerun for the same as_of and settings finds its
 * model saved and only repeats the (idempotent) promotion.
 */
public final class ForecastTraining {
  private static final Logger LOG = LoggerFactory.getLogger(ForecastTraining.class);
  public static final String MODEL_TYPE = "gbt";
  private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * What a training run did.
   *
   * @param reused true when the version was already saved (a rerun) and nothing was trained
   */
  public record Report(String version, boolean reused, ModelRegistry.Promotion promotion, ModelMetadata metadata) {
    public Backtest.Summary backtest() {
      return metadata.backtest();
    }
  }

  private ForecastTraining() {}

  /** Trains from the silver table at {@code config.silverPath()}. */
  public static Report train(SparkSession spark, ForecastJobConfig config, Instant asOf, Clock clock) {
    return train(spark, DeltaTables.readSilver(spark, config.silverPath()), config, asOf, clock);
  }

  /** Trains from silver-shaped measurements (device_id, metric, event_time, value). */
  public static Report train(SparkSession spark, Dataset<Row> measurements, ForecastJobConfig config, Instant asOf, Clock clock) {
    config.checkHistoryHoldsModelBacktest();
    ForecastPlan plan = ForecastPlan.of(config, asOf);
    Map<String, String> params = params(config);
    String hash = hash(params);
    String version = MODEL_TYPE + "-" + VERSION_TIME.format(asOf) + "-" + hash;
    ModelRegistry registry = ModelRegistry.open(spark, config.modelsPath());
    if (registry.has(version)) {
      ModelMetadata meta = registry.metadata(version);
      LOG.info("Model {} was already trained for this as_of and settings; deciding promotion only", version);
      return new Report(version, true, registry.promoteIfBetter(meta, config.promoteMaxRelMase(), OptionalDouble.empty(),
          clock.instant()), meta);
    }

    FeatureSpec spec = featureSpec(config);
    Backtest.Spec backtestSpec = backtestSpec(config);
    ModelTraining.Params gbt = new ModelTraining.Params(config.modelMaxIter(), config.modelMaxDepth(), config.modelStepSize(),
        config.modelSubsample(), config.modelSeed());
    Dataset<Row> series = ModelTraining.seriesRows(Resampler.resample(ForecastJob.prunePartitions(measurements, plan), plan), plan)
        .persist();
    try {
      int n = plan.historyBuckets();
      int firstOrigin = backtestSpec.firstOrigin(n);
      int stride = config.trainOriginStride();
      Dataset<Row> early = ModelTraining.examples(series, plan, spec, firstOrigin, stride).persist();
      long earlyRows = early.count();
      if (earlyRows == 0) {
        throw VigilErrors.noTrainingData(config.silverPath(), micros(plan.startMicros()),
            micros((plan.startIdx() + firstOrigin + 1) * plan.bucketMicros()));
      }
      LOG.info("Training {} on {} examples before the backtest, then backtesting {} origins", version, earlyRows,
          backtestSpec.origins());
      GBTRegressionModel backtested = ModelTraining.fit(early, gbt);
      early.unpersist();
      ModelForecaster trees = ModelForecaster.of(spec, backtested, 1);
      // The correction's weight: each origin's targets are forecast with the weight the other origins chose.
      double[] grid = CorrectionWeight.grid();
      List<Backtest.WeightErrors> errors = ModelTraining.errorsByWeight(series, plan, backtestSpec, trees, grid);
      double[] weightByOrigin = CorrectionWeight.crossFitted(grid, errors, backtestSpec.origins());
      List<Backtest.SeriesScore> scores = ModelTraining.backtest(series, plan, backtestSpec, trees, weightByOrigin);
      Backtest.Summary summary = Backtest.Summary.of(scores);
      double weight = CorrectionWeight.best(grid, errors);
      LOG.info("Backtest of {}: relMASE {} over {} series ({} targets); MASE model {}, seasonal naive {}, moving average {};"
          + " correction weight by origin {} (each chosen on the other origins), on all origins {}; relMASE at weights {}: {}",
          version, summary.relMase(), summary.seriesScored(), summary.targets(), summary.meanMaseModel(),
          summary.meanMaseSeasonalNaive(), summary.meanMaseMovingAverage(), Arrays.toString(weightByOrigin), weight,
          Arrays.toString(grid), Arrays.toString(Arrays.stream(CorrectionWeight.meanMase(grid, errors))
              .map(m -> m / summary.meanMaseSeasonalNaive()).toArray()));

      GBTRegressionModel registered = backtested;
      long trainingRows = earlyRows;
      long trainedToIdx = plan.startIdx() + firstOrigin + 1;
      // With weight 0 the model is its base, which reads the latest history anyway: nothing to refit.
      if (config.modelRefit() && weight > 0) {
        Dataset<Row> all = ModelTraining.examples(series, plan, spec, n - 1, stride).persist();
        trainingRows = all.count();
        registered = ModelTraining.fit(all, gbt);
        all.unpersist();
        trainedToIdx = plan.endIdx();
      }
      LOG.info("Registering {} with correction weight {}", version, weight);
      long b = plan.bucketMicros();
      ModelMetadata meta = new ModelMetadata(version, MODEL_TYPE, asOf.toString(), clock.instant().toString(),
          micros(plan.startIdx() * b), micros(trainedToIdx * b),
          micros((plan.startIdx() + firstOrigin + 1) * b), micros(plan.endIdx() * b),
          config.resolution().configName(), config.step().toString(), trainingRows, spec, spec.names(), params, hash,
          summary, scores, weight);

      OptionalDouble currentOnSameWindow = rescoreCurrent(registry, meta, series, plan, backtestSpec, summary);
      registry.save(meta, registered);
      ModelRegistry.Promotion promotion = registry.promoteIfBetter(meta, config.promoteMaxRelMase(), currentOnSameWindow,
          clock.instant());
      return new Report(version, false, promotion, meta);
    } finally {
      series.unpersist();
    }
  }

  /**
   * The current model's relMASE on the candidate's backtest, when that is fair: only if the
   * current model was trained on data that ends before the candidate's backtest begins.
   */
  private static OptionalDouble rescoreCurrent(ModelRegistry registry, ModelMetadata candidate, Dataset<Row> series,
      ForecastPlan plan, Backtest.Spec spec, Backtest.Summary candidateSummary) {
    Optional<ModelMetadata> current = registry.current();
    if (current.isEmpty() || !current.get().step().equals(candidate.step()) || !current.get().featuresMatchThisVersion()
        || Instant.parse(current.get().trainedTo()).isAfter(Instant.parse(candidate.backtestFrom()))) {
      return OptionalDouble.empty();
    }
    ModelForecaster model = registry.load(current.get().version());
    Backtest.Summary s = Backtest.Summary.of(ModelTraining.backtest(series, plan, spec, model));
    LOG.info("Current model {} re-scored on the same backtest: relMASE {} (candidate {})", current.get().version(),
        s.relMase(), candidateSummary.relMase());
    return Double.isFinite(s.relMase()) ? OptionalDouble.of(s.relMase()) : OptionalDouble.empty();
  }

  static FeatureSpec featureSpec(ForecastJobConfig config) {
    return new FeatureSpec(config.seasonLength(), config.modelLags(), config.modelProfileSeasons(), config.horizon());
  }

  static Backtest.Spec backtestSpec(ForecastJobConfig config) {
    return new Backtest.Spec(config.backtestOrigins(), config.backtestSpacing(), config.horizon(), config.seasonLength(),
        config.movingAverageWindow(), config.intervalCoverage());
  }

  /** Every setting that shapes the model, by config key; their hash names the version. */
  static Map<String, String> params(ForecastJobConfig config) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(ForecastJobConfig.SILVER_PATH, config.silverPath());
    p.put(ForecastJobConfig.RESOLUTION, config.resolution().configName());
    p.put("step", config.step().toString());
    p.put(ForecastJobConfig.HISTORY, config.history().toString());
    p.put(ForecastJobConfig.HORIZON, Integer.toString(config.horizon()));
    p.put(ForecastJobConfig.SEASON_LENGTH, Integer.toString(config.seasonLength()));
    p.put(ForecastJobConfig.MOVING_AVERAGE_WINDOW, Integer.toString(config.movingAverageWindow()));
    p.put(ForecastJobConfig.FILL_MAX_GAP, Integer.toString(config.fillMaxGap()));
    p.put(ForecastJobConfig.INTERVAL_COVERAGE, Double.toString(config.intervalCoverage()));
    p.put(ForecastJobConfig.MODEL_LAGS, Integer.toString(config.modelLags()));
    p.put(ForecastJobConfig.MODEL_PROFILE_SEASONS, Integer.toString(config.modelProfileSeasons()));
    p.put(ForecastJobConfig.MODEL_MAX_ITER, Integer.toString(config.modelMaxIter()));
    p.put(ForecastJobConfig.MODEL_MAX_DEPTH, Integer.toString(config.modelMaxDepth()));
    p.put(ForecastJobConfig.MODEL_STEP_SIZE, Double.toString(config.modelStepSize()));
    p.put(ForecastJobConfig.MODEL_SUBSAMPLE, Double.toString(config.modelSubsample()));
    p.put(ForecastJobConfig.MODEL_SEED, Long.toString(config.modelSeed()));
    p.put(ForecastJobConfig.MODEL_REFIT, Boolean.toString(config.modelRefit()));
    p.put(ForecastJobConfig.TRAIN_ORIGIN_STRIDE, Integer.toString(config.trainOriginStride()));
    p.put(ForecastJobConfig.BACKTEST_ORIGINS, Integer.toString(config.backtestOrigins()));
    p.put(ForecastJobConfig.BACKTEST_SPACING, Integer.toString(config.backtestSpacing()));
    return p;
  }

  static String hash(Map<String, String> params) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      params.forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static String micros(long micros) {
    return Instant.EPOCH.plusSeconds(Math.floorDiv(micros, 1_000_000L)).plusNanos(Math.floorMod(micros, 1_000_000L) * 1000).toString();
  }
}
