package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vigil.batch.internal.SparkSessions;
import io.vigil.common.VigilException;
import io.vigil.schemas.TableSchemas;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForecastJobTest {
  private static final Instant AS_OF = Instant.parse("2026-11-22T10:00:00Z");
  private static final Instant START = AS_OF.minusSeconds(14 * 86400);
  private SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  void startSpark() {
    spark = SparkSessions.local("forecast-job-test");
  }

  @AfterAll
  void stopSpark() {
    spark.stop();
  }

  private ForecastJobConfig config(String silver, String forecasts) {
    Map<String, String> m = new HashMap<>();
    m.put(ForecastJobConfig.SILVER_PATH, silver);
    m.put(ForecastJobConfig.FORECASTS_PATH, forecasts);
    return new ForecastJobConfig(m);
  }

  private ForecastJobConfig inMemory() {
    return config("unused", "unused");
  }

  /** Hour-of-day pattern, sampled every 15 minutes so each bucket's mean is exactly the hour's value. */
  private static double daily(Instant t) {
    return 20 + 5 * Math.sin(2 * Math.PI * (t.getEpochSecond() / 3600 % 24) / 24.0);
  }

  private static SilverRows seasonal(String device) {
    SilverRows rows = new SilverRows();
    for (Instant t = START; t.isBefore(AS_OF); t = t.plusSeconds(900)) {
      rows.add(device, "temp", t, daily(t));
    }
    return rows;
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.orderBy("device_id", "metric", "horizon").collectAsList();
  }

  @Test
  void cleanSeasonalSeriesIsForecastWellBySeasonalNaive() {
    List<Row> rows = sorted(ForecastJob.forecast(seasonal("d1").toDataset(spark), inMemory(), AS_OF));

    assertThat(rows).hasSize(24);
    for (int h = 1; h <= 24; h++) {
      Row r = rows.get(h - 1);
      Instant target = AS_OF.plusSeconds(3600L * (h - 1));
      assertThat(r.<Integer>getAs("horizon")).isEqualTo(h);
      assertThat(((Timestamp) r.getAs("target_time")).toInstant()).isEqualTo(target);
      assertThat(((Timestamp) r.getAs("as_of")).toInstant()).isEqualTo(AS_OF);
      assertThat(r.<String>getAs("model")).isEqualTo(ForecastJob.SEASONAL_NAIVE);
      assertThat(r.<String>getAs("model_version")).isEqualTo(ForecastJob.MODEL_VERSION);
      assertThat(r.<Double>getAs("forecast")).as("h=%d", h).isCloseTo(daily(target), within(1e-9));
    }
  }

  @Test
  void constantSeriesGetsAConstantForecast() {
    SilverRows silver = new SilverRows().series("d1", "level", START, AS_OF, 3600, i -> 42.5);

    List<Row> rows = sorted(ForecastJob.forecast(silver.toDataset(spark), inMemory(), AS_OF));

    assertThat(rows).hasSize(24).allSatisfy(r -> {
      assertThat(r.<Double>getAs("forecast")).isEqualTo(42.5);
      assertThat(r.<Double>getAs("lower")).isEqualTo(42.5);
      assertThat(r.<Double>getAs("upper")).isEqualTo(42.5);
    });
  }

  @Test
  void readingsAtOrAfterAsOfNeverChangeTheForecast() {
    SilverRows past = seasonal("d1");
    SilverRows withFuture = seasonal("d1")
        .add("d1", "temp", AS_OF, 1e6)
        .add("d1", "temp", AS_OF.plusSeconds(1800), -1e6)
        .add("d1", "temp", AS_OF.plusSeconds(86400 * 3), 5e5)
        .add("d9", "temp", AS_OF.plusSeconds(60), 1); // a series that only exists after as_of

    List<Row> before = sorted(ForecastJob.forecast(past.toDataset(spark), inMemory(), AS_OF));
    List<Row> after = sorted(ForecastJob.forecast(withFuture.toDataset(spark), inMemory(), AS_OF));

    assertThat(after).hasSize(24).isEqualTo(before);
  }

  @Test
  void anAsOfInsideABucketForecastsFromTheNextWholeBucket() {
    Instant asOf = AS_OF.plusSeconds(1800);

    List<Row> rows = sorted(ForecastJob.forecast(seasonal("d1").toDataset(spark), inMemory(), asOf));

    assertThat(rows).hasSize(24);
    Instant firstTarget = AS_OF.plusSeconds(3600);
    assertThat(((Timestamp) rows.get(0).getAs("target_time")).toInstant()).isEqualTo(firstTarget);
    assertThat(rows.get(0).<Double>getAs("forecast")).isCloseTo(daily(firstTarget), within(1e-9));
  }

  @Test
  void theJobWritesSeriesTimesHorizonRowsAndARerunReplacesThem() {
    String silverPath = dir.resolve("silver").toString();
    String forecastsPath = dir.resolve("forecasts").toString();
    SilverRows silver = seasonal("d1")
        .series("d2", "level", START, AS_OF, 3600, i -> 3.0)
        .series("d3", "temp", START, AS_OF, 1800, i -> 10 + (i % 7))
        .add("d4", "temp", AS_OF.minusSeconds(3600), 1); // too short to forecast
    silver.writeDelta(spark, silverPath);
    ForecastJobConfig config = config(silverPath, forecastsPath);

    ForecastRunSummary first = ForecastJob.run(spark, config, AS_OF);
    List<Row> firstRows = sorted(spark.read().format("delta").load(forecastsPath));
    ForecastRunSummary second = ForecastJob.run(spark, config, AS_OF);
    List<Row> secondRows = sorted(spark.read().format("delta").load(forecastsPath));

    assertThat(first.seriesSeen()).isEqualTo(4);
    assertThat(first.seriesForecast()).isEqualTo(3);
    assertThat(first.seriesTooShort()).isEqualTo(1);
    assertThat(first.rowsWritten()).isEqualTo(3 * 24);
    assertThat(firstRows).hasSize(3 * 24);
    assertThat(secondRows).isEqualTo(firstRows);
    assertThat(second).isEqualTo(first);

    ForecastJob.run(spark, config, AS_OF.plusSeconds(3600));
    Dataset<Row> table = spark.read().format("delta").load(forecastsPath);
    assertThat(table.count()).isEqualTo(2 * 3 * 24);
    assertThat(table.schema().fieldNames()).containsExactly(TableSchemas.FORECASTS.fieldNames());
    assertThat(table.schema().apply("forecast").nullable()).isFalse();
  }

  @Test
  void aMissingSilverTableIsReportedWithItsPath() {
    String missing = dir.resolve("no-such-silver").toString();

    assertThatThrownBy(() -> ForecastJob.run(spark, config(missing, dir.resolve("f").toString()), AS_OF))
        .isInstanceOf(VigilException.class)
        .hasMessageContaining(missing)
        .hasMessageContaining("silver.path");
  }
}
