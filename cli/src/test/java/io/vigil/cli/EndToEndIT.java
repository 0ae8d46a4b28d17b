package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cli.internal.DemoReportData;
import io.vigil.cli.internal.DemoReportWriter;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.stack.DefaultTopics;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.MosquittoExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole first path against real Mosquitto and real Kafka: simulator -> MQTT -> bridge -> Kafka
 * -> streaming job -> silver Delta table + GAP events on the anomalies topic -> forecasts table.
 */
class EndToEndIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension();

  @TempDir static Path work;

  @BeforeAll
  static void topics() {
    DefaultTopics.partitions().forEach(kafka::createTopic);
  }

  @Test
  void simulatedFleetLandsInSilverSilencedDevicesAreFlaggedAndSeriesAreForecast() throws Exception {
    EndToEndRun.Settings settings = new EndToEndRun.Settings(kafka.bootstrapServers(), mosquitto.url(), work,
        8, Duration.ofDays(3), Duration.ofMinutes(15), Duration.ofSeconds(60), Duration.ofSeconds(2),
        "dead=0.25,gap=0.25,frequency=0.5,spike=0.01,shift=0.15", 11L, Duration.ofSeconds(120), true);
    Path[] report = new Path[1];
    EndToEndRun.Result r = new EndToEndRun(settings, line -> System.out.println("[e2e] " + line), Clock.systemUTC())
        .beforeSparkStops((spark, result) -> {
          try {
            report[0] = new DemoReportWriter().write(DemoReportData.read(spark, result, 4, "summary"), work);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }).run();
    java.io.ByteArrayOutputStream summary = new java.io.ByteArrayOutputStream();
    DemoCommand.printSummary(new java.io.PrintStream(summary, true, java.nio.charset.StandardCharsets.UTF_8), r, work);
    System.out.print(summary.toString(java.nio.charset.StandardCharsets.UTF_8));

    // Nothing published was lost on the way: every message reached Kafka and was acknowledged.
    long published = r.history().delivered() + r.live().delivered();
    assertThat(r.history().failed() + r.live().failed()).isZero();
    assertThat(r.bridge().get("produced") + r.bridge().get("dead_lettered")).isGreaterThanOrEqualTo(published);
    assertThat(r.bridge().get("in_flight")).isZero();
    // Faults "dead" and "gap" publish only well-formed payloads, each with at least one metric.
    assertThat(r.quarantineRows()).isZero();
    assertThat(r.silverRows()).isGreaterThanOrEqualTo(published);

    // Every device silenced on purpose got a GAP, on Kafka and in the Delta table, and no other device did.
    assertThat(r.mustDetect()).as("the seed must kill some devices").isNotEmpty();
    assertThat(r.missed()).isEmpty();
    assertThat(r.falseAlarms()).isEmpty();
    assertThat(r.mustInactive()).as("the seed must kill some device early enough").isNotEmpty();
    assertThat(r.inactiveMissed()).isEmpty();
    assertThat(r.inactiveFalseAlarms()).isEmpty();
    // Every cadence change the run leaves time to see got a FREQUENCY_CHANGE, and no steady device did.
    assertThat(r.cadence().mustDetect()).as("the seed must change some device's cadence early enough").isNotEmpty();
    assertThat(r.cadence().missed()).isEmpty();
    assertThat(r.cadence().falseAlarms()).isEmpty();
    // The summary says it, for gaps, inactive devices and cadence changes alike.
    assertThat(summary.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("Silence     injected on " + r.mayDetect())
        .contains("Inactive    devices killed " + r.dead() + " (must be flagged: " + r.mustInactive() + "); flagged INACTIVE: "
            + r.inactive())
        .contains("Cadence     frequency changed on " + r.cadence().injected().stream().sorted().toList()
            + " (must be flagged: " + r.cadence().mustDetect().stream().sorted().toList() + ")")
        .contains("flagged with FREQUENCY_CHANGE: " + r.cadence().detected().stream().sorted().toList());
    List<AnomalyEvent> gaps = r.anomalies().stream().filter(e -> e.kind() == AnomalyKind.GAP).toList();
    assertThat(gaps).allSatisfy(e -> {
      assertThat(e.source()).isEqualTo(AnomalySource.STREAM);
      assertThat(e.eventId()).isEqualTo(AnomalyEvent.idFor(e.kind(), e.source(), e.deviceId(), e.metric(), e.start()));
    });
    assertThat(r.anomalyRows()).isGreaterThanOrEqualTo(gaps.stream().map(AnomalyEvent::eventId).distinct().count());

    // The batch job forecast every series with enough history: 8 devices, 24 steps each metric.
    assertThat(r.forecast().seriesForecast()).isGreaterThanOrEqualTo(8);
    assertThat(r.forecastRows()).isEqualTo(r.forecast().seriesForecast() * 24);

    // Training backtested a model against seasonal naive; scoring scored the live window's readings,
    // and its events were matched against the injected spikes and shifts.
    assertThat(r.batch().training().backtest().seriesScored()).isPositive();
    // The summary says which model was trained, how it did against seasonal naive, and whether it became current.
    assertThat(r.batch().training().backtest().relMase()).isFinite();
    // Three days are enough for a model that beats seasonal naive: the trees' correction counts only as far as it helps.
    assertThat(r.batch().training().promotion().promoted()).as(r.batch().training().promotion().reason()).isTrue();
    assertThat(summary.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("Model       " + r.batch().training().version()
        + (r.batch().training().promotion().promoted() ? " PROMOTED, current" : " not promoted"));
    assertThat(r.batch().scoring().readingsScored()).isPositive();
    assertThat(r.batch().detection().injected()).as("the seed must inject spikes or shifts").isPositive();
    assertThat(r.batch().detection().found()).isPositive();

    // The report charts the devices from the run's tables: a context and a live chart each, plus completeness.
    String html = java.nio.file.Files.readString(report[0]);
    assertThat(html).contains("<section id=\"devices\">").doesNotContain("No gold windows yet.");
    assertThat(html.split("<img ", -1)).hasSize(1 + 1 + 4 * 2);
    assertThat(work.resolve("charts/device-03-1.png")).isNotEmptyFile();
  }
}
