package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.batch.internal.SparkSessions;
import io.vigil.schemas.AnomalyKind;
import java.nio.file.Path;
import java.time.Instant;
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

/** The Spark side of scoring on a local session: Delta rows per window, and a rerun that changes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScoreJobTest {
  private static final Instant AS_OF = Instant.parse("2026-11-22T12:00:00Z");
  private static final Instant SPIKE = AS_OF.minusSeconds(25 * 60);
  private SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  void startSpark() {
    spark = SparkSessions.local("score-job-test");
  }

  @AfterAll
  void stopSpark() {
    spark.stop();
  }

  private ForecastJobConfig config() {
    Map<String, String> m = new HashMap<>();
    m.put(ForecastJobConfig.SILVER_PATH, dir.resolve("silver").toString());
    m.put(ForecastJobConfig.FORECASTS_PATH, dir.resolve("forecasts").toString());
    m.put(ForecastJobConfig.SCORES_PATH, dir.resolve("scores").toString());
    m.put(ForecastJobConfig.ANOMALIES_PATH, dir.resolve("anomalies").toString());
    m.put(ForecastJobConfig.HISTORY, "3d");
    m.put(ForecastJobConfig.SCORE_HISTORY, "1d");
    m.put(ForecastJobConfig.SCORE_PUBLISH, "false");
    return new ForecastJobConfig(m);
  }

  /** Two devices, five-minute readings for five days, one spike on dev-a; dev-c is constant and has one reading only. */
  private Dataset<Row> silver() {
    Random noise = new Random(3);
    SilverRows rows = new SilverRows();
    Instant start = AS_OF.minusSeconds(5 * 86400);
    rows.series("dev-a", "temp", start, AS_OF.plusSeconds(3600), 300, i -> {
      Instant t = start.plusSeconds(300L * i);
      return 20 + 4 * Math.sin(2 * Math.PI * i / 288.0) + noise.nextGaussian() * 0.3 + (t.equals(SPIKE) ? 9 : 0);
    });
    rows.series("dev-b", "rpm", start, AS_OF, 300, i -> 7.0);
    rows.add("dev-c", "temp", AS_OF.minusSeconds(60), 3.0);
    return rows.toDataset(spark);
  }

  @Test
  void aWindowIsScoredIntoDeltaAndARerunReplacesItWithTheSameRowsAndEventIds() {
    ForecastJobConfig config = config();
    Dataset<Row> silver = silver().cache();

    ScoreJob.Summary first = ScoreJob.run(spark, silver, config, AS_OF);
    List<Row> scores1 = table(config.scoresPath());
    List<Row> events1 = table(config.anomaliesPath());
    ScoreJob.Summary again = ScoreJob.run(spark, silver, config, AS_OF);
    List<Row> scores2 = table(config.scoresPath());
    List<Row> events2 = table(config.anomaliesPath());

    System.out.println("Score run: " + first);
    assertThat(first.forecaster()).startsWith("seasonal_naive (no current model");
    // 12 readings each for dev-a and dev-b, one for dev-c; nothing at or after as_of.
    assertThat(first.readingsWritten()).isEqualTo(25);
    assertThat(first.seriesScored()).isEqualTo(3);
    assertThat(scores1).hasSize(25);
    assertThat(scores1).filteredOn(r -> r.<String>getAs("device_id").equals("dev-c"))
        .singleElement().satisfies(r -> assertThat(r.<String>getAs("status")).isEqualTo("INSUFFICIENT_HISTORY"));
    assertThat(scores1).filteredOn(r -> r.<String>getAs("device_id").equals("dev-b"))
        .allSatisfy(r -> assertThat(r.<Double>getAs("score")).isZero());
    assertThat(events1).singleElement().satisfies(e -> {
      assertThat(e.<String>getAs("kind")).isEqualTo(AnomalyKind.SPIKE.name());
      assertThat(e.<String>getAs("source")).isEqualTo("BATCH");
      assertThat(e.<java.sql.Timestamp>getAs("start").toInstant()).isEqualTo(SPIKE);
      assertThat(e.<String>getAs("model_version")).isEqualTo(ForecastJob.MODEL_VERSION);
    });
    assertThat(again).isEqualTo(first);
    assertThat(scores2).containsExactlyInAnyOrderElementsOf(scores1);
    assertThat(events2).containsExactlyInAnyOrderElementsOf(events1);

    // The next window is added beside it, not over it.
    ScoreJob.run(spark, silver, config, AS_OF.plusSeconds(3600));
    assertThat(table(config.scoresPath())).hasSize(25 + 12);
    // A clean hour adds no events: the anomalies table still holds the spike only.
    assertThat(table(config.anomaliesPath())).containsExactlyInAnyOrderElementsOf(events1);
  }

  private List<Row> table(String path) {
    return spark.read().format("delta").load(path).collectAsList();
  }
}
