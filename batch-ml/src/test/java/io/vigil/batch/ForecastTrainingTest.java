package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.batch.internal.Backtest;
import io.vigil.batch.internal.SparkSessions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForecastTrainingTest {
  private static final Instant AS_OF = Instant.parse("2026-11-22T00:00:00Z");
  private static final Instant START = AS_OF.minusSeconds(14 * 86400);
  private final Clock clock = Clock.fixed(AS_OF.plusSeconds(600), ZoneOffset.UTC);
  private SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  void startSpark() {
    spark = SparkSessions.local("forecast-training-test");
  }

  @AfterAll
  void stopSpark() {
    spark.stop();
  }

  private ForecastJobConfig config(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put(ForecastJobConfig.SILVER_PATH, "unused");
    m.put(ForecastJobConfig.FORECASTS_PATH, dir.resolve("forecasts").toString());
    m.put(ForecastJobConfig.HORIZON, "6");
    m.put(ForecastJobConfig.BACKTEST_ORIGINS, "6");
    m.put(ForecastJobConfig.MODEL_MAX_ITER, "12");
    m.put(ForecastJobConfig.MODEL_MAX_DEPTH, "3");
    m.put(ForecastJobConfig.TRAIN_ORIGIN_STRIDE, "2");
    m.putAll(extra);
    return new ForecastJobConfig(m);
  }

  /** Hourly readings: a daily cycle of each series' own level and amplitude, plus Gaussian noise. */
  private Dataset<Row> noisySeasonal() {
    Random noise = new Random(5);
    SilverRows rows = new SilverRows();
    double[][] shapes = {{21, 3, 0.8}, {1200, 400, 90}, {55, 10, 3}};
    for (int d = 0; d < shapes.length; d++) {
      double[] s = shapes[d];
      rows.series("dev-" + d, "metric", START, AS_OF, 3600,
          i -> s[0] + s[1] * Math.sin(2 * Math.PI * (i % 24) / 24.0) + s[2] * noise.nextGaussian());
    }
    return rows.toDataset(spark);
  }

  @Test
  void theModelBeatsSeasonalNaiveIsRegisteredPromotedAndServesForecasts() {
    ForecastJobConfig config = config(Map.of());
    Dataset<Row> silver = noisySeasonal().cache();

    ForecastTraining.Report first = ForecastTraining.train(spark, silver, config, AS_OF, clock);
    Backtest.Summary b = first.backtest();
    System.out.printf("Backtest: relMASE %.4f (mean per-series %.4f), MASE model %.4f, seasonal naive %.4f, moving average %.4f;"
            + " sMAPE model %.3f, seasonal naive %.3f; %d series, %d targets%n", b.relMase(), b.meanSeriesRelMase(),
        b.meanMaseModel(), b.meanMaseSeasonalNaive(), b.meanMaseMovingAverage(), b.meanSmapeModel(),
        b.meanSmapeSeasonalNaive(), b.seriesScored(), b.targets());

    assertThat(b.seriesScored()).isEqualTo(3);
    assertThat(b.targets()).isEqualTo(3 * 6 * 6);
    // Noise-dominated series: the profile over seven seasons, re-anchored, against a copy of one noisy season.
    assertThat(b.relMase()).isLessThan(0.85);
    assertThat(b.relMaseMovingAverage()).isGreaterThan(1.0);
    assertThat(first.reused()).isFalse();
    assertThat(first.promotion().promoted()).as(first.promotion().reason()).isTrue();
    ModelRegistry registry = ModelRegistry.open(spark, config.modelsPath());
    assertThat(registry.current().map(ModelMetadata::version)).contains(first.version());
    ModelMetadata meta = registry.metadata(first.version());
    assertThat(meta.trainedTo()).isEqualTo(AS_OF.toString());
    assertThat(meta.backtestFrom()).isEqualTo(AS_OF.minusSeconds(6 * 6 * 3600).toString());
    assertThat(meta.features()).contains("lag_1_vs_base", "seasonal_lag_1_vs_profile", "target_hour_of_day", "horizon");
    assertThat(meta.featuresMatchThisVersion()).isTrue();
    assertThat(meta.params()).containsEntry(ForecastJobConfig.MODEL_MAX_ITER, "12");

    // A rerun for the same as_of and settings trains nothing and adds no version.
    ForecastTraining.Report again = ForecastTraining.train(spark, silver, config, AS_OF, clock);
    assertThat(again.reused()).isTrue();
    assertThat(again.version()).isEqualTo(first.version());
    assertThat(again.promotion().promoted()).isFalse();
    assertThat(registry.versions()).containsExactly(first.version());

    // Forecasts now come from the model, loaded back from the registry, tagged with its version.
    List<Row> rows = ForecastJob.forecast(spark, silver, config, AS_OF).orderBy("device_id", "horizon").collectAsList();
    assertThat(rows).hasSize(3 * 6).allSatisfy(r -> {
      assertThat(r.<String>getAs("model")).isEqualTo(ForecastTraining.MODEL_TYPE);
      assertThat(r.<String>getAs("model_version")).isEqualTo(first.version());
      assertThat(r.<Double>getAs("lower")).isLessThan(r.<Double>getAs("forecast"));
    });
    // dev-1 (level 1200, amplitude 400): the first target is hour 0, where the cycle is at its level.
    assertThat(rows.get(6).<Double>getAs("forecast")).isBetween(1000.0, 1400.0);

    // With the model switched off, the same run forecasts with the baselines.
    ForecastJobConfig off = config(Map.of(ForecastJobConfig.MODEL_ENABLED, "false"));
    assertThat(ForecastJob.forecast(spark, silver, off, AS_OF).collectAsList())
        .allSatisfy(r -> assertThat(r.<String>getAs("model_version")).isEqualTo(ForecastJob.MODEL_VERSION));
  }
}
