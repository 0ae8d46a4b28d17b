package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.batch.internal.SparkSessions;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TelemetryParser;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import io.vigil.simulator.FleetGenerator;
import io.vigil.simulator.SimulatedMessage;
import io.vigil.simulator.SimulatorConfig;
import io.vigil.testsupport.KafkaServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train, then score one hour of a simulated fleet with injected spikes, level shifts and drift:
 * the scores and anomalies Delta tables, the events on a real Kafka topic with their ids, and a
 * rerun of the same hour that changes no row and republishes the same ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScoreIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();

  private static final String TOPIC = "score-it.anomalies";
  private static final Instant ANCHOR = Instant.parse("2026-11-22T00:00:00Z");
  private SparkSession spark;
  private FleetGenerator fleet;
  private List<FaultLabel> labels;

  @TempDir
  Path dir;

  @BeforeAll
  void startSpark() {
    spark = SparkSessions.local("score-it");
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
    m.put(ForecastJobConfig.HISTORY, "4d");
    m.put(ForecastJobConfig.HORIZON, "6");
    m.put(ForecastJobConfig.BACKTEST_ORIGINS, "3");
    m.put(ForecastJobConfig.MODEL_MAX_ITER, "10");
    m.put(ForecastJobConfig.MODEL_MAX_DEPTH, "3");
    m.put(ForecastJobConfig.TRAIN_ORIGIN_STRIDE, "3");
    m.put(ForecastJobConfig.MODEL_REFIT, "false");
    m.put(ForecastJobConfig.SCORE_HISTORY, "1d");
    m.put(ForecastJobConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    m.put(ForecastJobConfig.ANOMALIES_TOPIC, TOPIC);
    return new ForecastJobConfig(m);
  }

  /** Five days of a small fleet (one reading per device every few minutes), parsed as the streaming job would, into silver. */
  private void simulateIntoSilver(String silverPath) {
    Map<String, String> s = new HashMap<>();
    s.put(SimulatorConfig.DEVICES, "3");
    s.put(SimulatorConfig.HISTORY, "5d");
    s.put(SimulatorConfig.DURATION, "0s");
    s.put(SimulatorConfig.INTERVAL, "3m");
    s.put(SimulatorConfig.SEED, "11");
    s.put(SimulatorConfig.OUTPUT, "count");
    s.put(SimulatorConfig.FAULTS, "spike=0.01,level_shift=0.5,drift=0.5");
    fleet = new FleetGenerator(new SimulatorConfig(s), Clock.fixed(ANCHOR, ZoneOffset.UTC));
    TelemetryParser parser = new TelemetryParser(ParserOptions.defaults());
    SilverRows rows = new SilverRows();
    while (fleet.hasNext()) {
      SimulatedMessage msg = fleet.next();
      ParseResult parsed = parser.parse(msg.topic(), msg.payload(), msg.publishTime().toEpochMilli());
      for (Measurement m : parsed.measurements()) {
        rows.add(m.deviceId(), m.metric(), Instant.ofEpochMilli(m.eventTimeMillis()), m.value());
      }
    }
    labels = fleet.labels();
    rows.writeDelta(spark, silverPath);
  }

  @Test
  void trainThenScoreAnHourAndRerunItWithoutChangingAnything() {
    ForecastJobConfig config = config();
    simulateIntoSilver(config.silverPath());
    kafka.createTopic(TOPIC, 1);

    // The hour to score: the last one before the anchor that holds a labelled spike.
    Instant asOf = labels.stream().filter(l -> l.kind() == FaultKind.SPIKE && l.start().isBefore(ANCHOR))
        .map(l -> l.start().truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofHours(1)))
        .max(Instant::compareTo).orElseThrow();
    Instant trainAsOf = asOf.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    ForecastTraining.Report trained = ForecastTraining.train(spark, config, trainAsOf,
        Clock.fixed(trainAsOf.plusSeconds(60), ZoneOffset.UTC));
    System.out.printf("Trained %s: backtest relMASE %.3f, %s%n", trained.version(), trained.backtest().relMase(),
        trained.promotion().reason());

    ScoreJob.Summary first = ScoreJob.run(spark, config, asOf);
    System.out.println("First run: " + first);
    List<Row> scores = table(config.scoresPath());
    List<Row> events = table(config.anomaliesPath());
    List<ConsumerRecord<byte[], byte[]>> published = kafka.readAll(TOPIC, events.size(), Duration.ofSeconds(60));

    Instant windowStart = asOf.minus(config.scoreInterval());
    List<FaultLabel> spikesInWindow = labels.stream()
        .filter(l -> l.kind() == FaultKind.SPIKE && !l.start().isBefore(windowStart) && l.start().isBefore(asOf)).toList();
    Set<String> eventKeys = events.stream().map(e -> e.<String>getAs("device_id") + "/" + e.<String>getAs("metric") + "@"
        + e.<java.sql.Timestamp>getAs("start").toInstant()).collect(Collectors.toSet());
    long found = spikesInWindow.stream().filter(l -> eventKeys.contains(l.device() + "/" + l.metric() + "@" + l.start())).count();
    System.out.printf("Window [%s, %s): %d readings, %d events %s; labelled spikes %d, found as events %d; labels in window %s%n",
        windowStart, asOf, scores.size(), events.size(), events.stream().map(e -> e.<String>getAs("kind")).toList(),
        spikesInWindow.size(), found, labels.stream().filter(l -> l.covers(windowStart) || l.covers(asOf.minusSeconds(1))
            || (!l.start().isBefore(windowStart) && l.start().isBefore(asOf))).map(l -> l.kind() + ":" + l.device() + "/" + l.metric()).toList());

    // The model trained above forecast the window wherever it could serve.
    assertThat(trained.promotion().promoted()).as(trained.promotion().reason()).isTrue();
    assertThat(first.forecaster()).startsWith(ForecastTraining.MODEL_TYPE + " " + trained.version());
    assertThat(scores).isNotEmpty().allSatisfy(r -> {
      assertThat(r.<java.sql.Timestamp>getAs("event_time").toInstant()).isBetween(windowStart, asOf.minusNanos(1));
      assertThat(r.<java.sql.Timestamp>getAs("window_end").toInstant()).isEqualTo(asOf);
    });
    assertThat(scores).filteredOn(r -> trained.version().equals(r.getAs("model_version"))).isNotEmpty();
    // Every injected spike of the hour is an event at its reading.
    assertThat(spikesInWindow).isNotEmpty();
    assertThat(found).isEqualTo(spikesInWindow.size());
    // Delta and Kafka carry the same events: key = device, header and JSON id = the deterministic id.
    Set<String> ids = events.stream().map(e -> e.<String>getAs("event_id")).collect(Collectors.toSet());
    assertThat(ids).hasSize(events.size());
    assertThat(published).hasSize(events.size()).allSatisfy(rec -> {
      AnomalyEvent e = AnomalyEventJson.fromBytes(rec.value());
      assertThat(e.source()).isEqualTo(AnomalySource.BATCH);
      assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo(e.deviceId());
      assertThat(new String(rec.headers().lastHeader(KafkaHeaders.EVENT_ID).value(), StandardCharsets.UTF_8)).isEqualTo(e.eventId());
      assertThat(e.eventId()).isEqualTo(AnomalyEvent.idFor(e.kind(), e.source(), e.deviceId(), e.metric(), e.start()));
    });
    assertThat(published.stream().map(r -> AnomalyEventJson.fromBytes(r.value()).eventId())).containsExactlyInAnyOrderElementsOf(ids);

    // Rerun the same hour: same rows in both tables, and the same ids published again (consumers dedupe on them).
    ScoreJob.Summary again = ScoreJob.run(spark, config, asOf);
    assertThat(again).isEqualTo(first);
    assertThat(table(config.scoresPath())).containsExactlyInAnyOrderElementsOf(scores);
    assertThat(table(config.anomaliesPath())).containsExactlyInAnyOrderElementsOf(events);
    List<ConsumerRecord<byte[], byte[]>> all = kafka.readAll(TOPIC, 2 * events.size(), Duration.ofSeconds(60));
    assertThat(all).hasSize(2 * events.size());
    assertThat(all.subList(events.size(), all.size()).stream()
        .map(r -> new String(r.headers().lastHeader(KafkaHeaders.EVENT_ID).value(), StandardCharsets.UTF_8)))
        .containsExactlyInAnyOrderElementsOf(ids);
  }

  private List<Row> table(String path) {
    return spark.read().format("delta").load(path).collectAsList();
  }
}
