package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.batch.internal.SparkSessions;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResampleTest {
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant AS_OF = Instant.parse("2026-11-21T00:00:00Z");
  private SparkSession spark;
  private final ForecastJobConfig config = new ForecastJobConfig(Map.of(
      ForecastJobConfig.SILVER_PATH, "unused", ForecastJobConfig.FORECASTS_PATH, "unused"));

  @BeforeAll
  void startSpark() {
    spark = SparkSessions.local("resample-test");
  }

  @AfterAll
  void stopSpark() {
    spark.stop();
  }

  /** bucket start -> row, for one series. */
  private Map<Instant, Row> resample(SilverRows silver, Instant asOf) {
    List<Row> rows = ForecastJob.resample(silver.toDataset(spark), config, asOf).collectAsList();
    Map<Instant, Row> byBucket = new TreeMap<>();
    for (Row r : rows) {
      byBucket.put(((Timestamp) r.getAs("bucket_start")).toInstant(), r);
    }
    return byBucket;
  }

  private static Instant hour(int h) {
    return DAY.plusSeconds(3600L * h);
  }

  @Test
  void eachBucketHoldsTheMeanOfItsReadings() {
    SilverRows silver = new SilverRows()
        .add("d1", "temp", hour(3), 1).add("d1", "temp", hour(3).plusSeconds(900), 2)
        .add("d1", "temp", hour(3).plusSeconds(1800), 3).add("d1", "temp", hour(3).plusSeconds(3599), 6);

    Map<Instant, Row> buckets = resample(silver, AS_OF);

    assertThat(buckets).containsOnlyKeys(hour(3));
    Row r = buckets.get(hour(3));
    assertThat(r.<Double>getAs("value")).isEqualTo(3.0);
    assertThat(r.<Long>getAs("readings")).isEqualTo(4L);
    assertThat(r.<Boolean>getAs("imputed")).isFalse();
  }

  @Test
  void aLongGapStaysMissingWhileAShortOneIsInterpolatedAndMarked() {
    SilverRows silver = new SilverRows()
        .add("d1", "temp", hour(0), 10)
        .add("d1", "temp", hour(3), 40) // two missing buckets (1, 2): short, filled
        .add("d1", "temp", hour(10), 0); // six missing buckets (4..9): long, left alone

    Map<Instant, Row> buckets = resample(silver, AS_OF);

    assertThat(buckets).containsOnlyKeys(hour(0), hour(1), hour(2), hour(3), hour(10));
    assertThat(buckets.get(hour(1)).<Double>getAs("value")).isCloseTo(20, within(1e-9));
    assertThat(buckets.get(hour(2)).<Double>getAs("value")).isCloseTo(30, within(1e-9));
    assertThat(buckets.get(hour(1)).<Boolean>getAs("imputed")).isTrue();
    assertThat(buckets.get(hour(1)).<Long>getAs("readings")).isZero();
    assertThat(buckets.get(hour(3)).<Boolean>getAs("imputed")).isFalse();
  }

  @Test
  void seriesAreResampledSeparately() {
    SilverRows silver = new SilverRows()
        .add("d1", "temp", hour(0), 10).add("d2", "temp", hour(2), 30).add("d1", "hum", hour(2), 50);

    List<Row> rows = ForecastJob.resample(silver.toDataset(spark), config, AS_OF).collectAsList();

    // Nothing is interpolated between different series even though their buckets are 2 apart.
    assertThat(rows).hasSize(3).allSatisfy(r -> assertThat(r.<Boolean>getAs("imputed")).isFalse());
  }

  @Test
  void readingsAtOrAfterAsOfAndInTheUnfinishedBucketAreLeftOut() {
    Instant asOf = hour(10).plusSeconds(1800);
    SilverRows silver = new SilverRows()
        .add("d1", "temp", hour(9), 1)
        .add("d1", "temp", hour(10).plusSeconds(60), 1000) // in the bucket as_of cuts in half
        .add("d1", "temp", asOf, 2000)
        .add("d1", "temp", hour(12), 3000);

    Map<Instant, Row> buckets = resample(silver, asOf);

    assertThat(buckets).containsOnlyKeys(hour(9));
  }

  @Test
  void readingsOlderThanTheHistoryWindowAreLeftOut() {
    SilverRows silver = new SilverRows()
        .add("d1", "temp", AS_OF.minusSeconds(14 * 86400 + 1), 1)
        .add("d1", "temp", AS_OF.minusSeconds(14 * 86400), 2);

    Map<Instant, Row> buckets = resample(silver, AS_OF);

    assertThat(buckets).containsOnlyKeys(AS_OF.minusSeconds(14 * 86400));
  }
}
