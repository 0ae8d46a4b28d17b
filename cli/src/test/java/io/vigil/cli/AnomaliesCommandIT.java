package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.cli.internal.AnomalyFilter;
import io.vigil.cli.internal.AnomalyTail;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.Severity;
import io.vigil.testsupport.KafkaServerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code vigil anomalies} against a real broker: what it prints, what it filters, what it skips. */
class AnomaliesCommandIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();

  private static final String TOPIC = "it.anomalies";
  /** For the tests that publish more: the fixed set above stays as it is. */
  private static final String LIVE_TOPIC = "it.anomalies.live";
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  /** Published three hours ago (record time), before everything else. */
  private static final List<AnomalyEvent> OLD = List.of(
      event(AnomalyKind.GAP, "dev-0001", null, 0).value(31.0).expected(10.0).message("dev-0001 sent nothing for 31 s").build(),
      event(AnomalyKind.INACTIVE, "dev-0002", null, 60).message("dev-0002 is inactive").build());
  /** Published now. */
  private static final List<AnomalyEvent> RECENT = List.of(
      event(AnomalyKind.THRESHOLD, "pump-07", "noise", 120).severity(Severity.CRITICAL).value(91.5).expected(85.0)
          .message("noise 91.5 above 85").attribute("rule", "loud").build(),
      event(AnomalyKind.GAP, "pump-08", "flow", 180).value(40.0).expected(10.0).message("pump-08 sent nothing for 40 s").build(),
      event(AnomalyKind.FORECAST_DEVIATION, "pump-08", "flow", 240).score(0.97).modelVersion("m-3")
          .message("flow far from its forecast").build());
  private static RecordMetadata malformedAt;

  private static AnomalyEvent.Builder event(AnomalyKind kind, String device, String metric, int startOffsetSeconds) {
    Instant start = T0.plusSeconds(startOffsetSeconds);
    return AnomalyEvent.builder(kind, kind == AnomalyKind.FORECAST_DEVIATION ? AnomalySource.BATCH : AnomalySource.STREAM,
        device, metric, start).detectedAt(start.plusSeconds(30));
  }

  @BeforeAll
  static void publish() throws Exception {
    kafka.createTopic(TOPIC, 3);
    kafka.createTopic(LIVE_TOPIC, 3);
    long now = System.currentTimeMillis();
    try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
      for (AnomalyEvent e : OLD) {
        send(p, now - Duration.ofHours(3).toMillis(), e.deviceId(), AnomalyEventJson.toBytes(e));
      }
      send(p, now, RECENT.get(0).deviceId(), AnomalyEventJson.toBytes(RECENT.get(0)));
      malformedAt = send(p, now, "pump-07", "{\"kind\":\"GAP\", this is not an event".getBytes(StandardCharsets.UTF_8));
      for (AnomalyEvent e : RECENT.subList(1, RECENT.size())) {
        send(p, now, e.deviceId(), AnomalyEventJson.toBytes(e));
      }
    }
  }

  private static RecordMetadata send(KafkaProducer<byte[], byte[]> p, long timestamp, String key, byte[] value)
      throws Exception {
    return send(p, TOPIC, timestamp, key, value);
  }

  private static RecordMetadata send(KafkaProducer<byte[], byte[]> p, String topic, long timestamp, String key, byte[] value)
      throws Exception {
    return p.send(new ProducerRecord<>(topic, null, timestamp, key.getBytes(StandardCharsets.UTF_8), value)).get();
  }

  private record Run(int exitCode, List<String> out, String err) {}

  private static Run vigil(String... args) {
    return vigilOn(TOPIC, args);
  }

  private static Run vigilOn(String topic, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = VigilMain.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> full = new ArrayList<>(List.of("anomalies", "--bootstrap", kafka.bootstrapServers(), "--topic", topic));
    full.addAll(Arrays.asList(args));
    int code = cl.execute(full.toArray(String[]::new));
    List<String> lines = out.toString().lines().toList();
    return new Run(code, lines, err.toString());
  }

  private static List<String> devicesIn(List<String> lines) {
    return lines.stream().map(l -> l.split("\\s+")[3]).sorted().toList();
  }

  @Test
  void printsEveryEventAsOneReadableLineAndSkipsTheMalformedOneWithItsOffset() {
    Run r = vigil("--from-beginning", "--exit-at-end");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).hasSize(5);
    assertThat(devicesIn(r.out())).containsExactly("dev-0001", "dev-0002", "pump-07", "pump-08", "pump-08");
    assertThat(r.out()).anySatisfy(l -> assertThat(l)
        .startsWith("2026-11-22T10:02:00Z  THRESHOLD           CRITICAL  pump-07       noise")
        .contains("value=91.5 expected=85").endsWith("noise 91.5 above 85"));
    assertThat(r.out()).anySatisfy(l -> assertThat(l).contains("FORECAST_DEVIATION").contains("score=0.97"));
    assertThat(r.err())
        .contains("WARN skipped malformed anomaly event at " + TOPIC + "-" + malformedAt.partition() + "@" + malformedAt.offset())
        .contains("5 shown, 0 filtered out, 1 malformed skipped");
  }

  @Test
  void filtersByDeviceGlobAndKind() {
    Run pumpGaps = vigil("--from-beginning", "--exit-at-end", "--device", "pump-*", "--kind", "gap");
    assertThat(pumpGaps.out()).singleElement().satisfies(l -> assertThat(l).contains("GAP").contains("pump-08").contains("flow"));
    assertThat(pumpGaps.err()).contains("1 shown, 4 filtered out, 1 malformed skipped");

    Run twoDevices = vigil("--from-beginning", "--exit-at-end", "--device", "dev-0001,pump-07", "--kind", "GAP", "--kind", "THRESHOLD");
    assertThat(devicesIn(twoDevices.out())).containsExactly("dev-0001", "pump-07");
  }

  @Test
  void jsonPrintsTheContractOnePerLineAndRoundTrips() {
    Run r = vigil("--from-beginning", "--exit-at-end", "--json");

    List<AnomalyEvent> parsed = r.out().stream().map(AnomalyEventJson::fromJson).toList();
    List<AnomalyEvent> published = new ArrayList<>(OLD);
    published.addAll(RECENT);
    assertThat(parsed).containsExactlyInAnyOrderElementsOf(published);
    assertThat(r.out()).allSatisfy(l -> assertThat(l).startsWith("{\"schemaVersion\":1,"));
    // Warnings and counts stay off stdout, so the output pipes into jq unharmed.
    assertThat(r.err()).contains("malformed");
  }

  @Test
  void sinceStartsAtRecentRecordsAndMaxStopsEarly() {
    Run recent = vigil("--since", "1h", "--exit-at-end");
    assertThat(devicesIn(recent.out())).containsExactly("pump-07", "pump-08", "pump-08");

    Run two = vigil("--from-beginning", "--max", "2");
    assertThat(two.exitCode()).isZero();
    assertThat(two.out()).hasSize(2);
  }

  @Test
  void byDefaultShowsOnlyEventsPublishedAfterItStarted() throws Exception {
    try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
      send(p, LIVE_TOPIC, System.currentTimeMillis(), "dev-0001", AnomalyEventJson.toBytes(OLD.get(0)));
    }
    CompletableFuture<Run> tail = CompletableFuture.supplyAsync(() -> vigilOn(LIVE_TOPIC, "--max", "1", "--json"));
    AnomalyEvent fresh = event(AnomalyKind.REAPPEARED, "dev-0002", null, 3600).message("dev-0002 is back").build();
    try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
      // The tail's start position is only known once it has connected: publish until it has seen one.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
        send(p, LIVE_TOPIC, System.currentTimeMillis(), fresh.deviceId(), AnomalyEventJson.toBytes(fresh));
        return tail.isDone();
      });
    }
    Run r = tail.get(10, TimeUnit.SECONDS);
    assertThat(r.out()).singleElement().satisfies(l -> assertThat(AnomalyEventJson.fromJson(l)).isEqualTo(fresh));
  }

  @Test
  void stopEndsAWaitingTailAndReportsWhatItSaw() throws Exception {
    AnomalyTail tail = new AnomalyTail(new AnomalyTail.Settings(kafka.bootstrapServers(), TOPIC, AnomalyFilter.all(),
        new AnomalyTail.Start(true, null), false, 0, false, Duration.ofSeconds(30)), Clock.systemUTC());
    StringWriter out = new StringWriter();
    CompletableFuture<AnomalyTail.Counts> run =
        CompletableFuture.supplyAsync(() -> tail.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)));
    await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().lines().count() >= 5);
    assertThat(run).isNotDone();

    tail.stop();

    AnomalyTail.Counts counts = run.get(10, TimeUnit.SECONDS);
    assertThat(counts.shown()).isGreaterThanOrEqualTo(5);
    assertThat(counts.malformed()).isEqualTo(1);
  }

  @Test
  void aMissingTopicIsAnErrorThatNamesIt() {
    StringWriter err = new StringWriter();
    CommandLine cl = VigilMain.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("anomalies", "--bootstrap", kafka.bootstrapServers(), "--topic", "no.such.topic", "--timeout", "10s");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'no.such.topic' does not exist");
  }
}
