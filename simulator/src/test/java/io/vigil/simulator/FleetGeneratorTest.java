package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetGeneratorTest {

  @Test
  void sameSeedGivesByteIdenticalMessagesAndLabels() {
    Fleets.Run a = Fleets.run(SimulatorConfig.FAULTS, "default,gap=1,spike=0.05,malformed=0.05", SimulatorConfig.SEED, "7");
    Fleets.Run b = Fleets.run(SimulatorConfig.FAULTS, "default,gap=1,spike=0.05,malformed=0.05", SimulatorConfig.SEED, "7");
    assertThat(a.messages()).hasSameSizeAs(b.messages()).hasSizeGreaterThan(1000);
    for (int i = 0; i < a.messages().size(); i++) {
      SimulatedMessage x = a.messages().get(i);
      SimulatedMessage y = b.messages().get(i);
      assertThat(y.deviceId()).isEqualTo(x.deviceId());
      assertThat(y.topic()).isEqualTo(x.topic());
      assertThat(y.payload()).isEqualTo(x.payload());
      assertThat(y.eventTime()).isEqualTo(x.eventTime());
      assertThat(y.publishTime()).isEqualTo(x.publishTime());
    }
    assertThat(FaultLabels.toCsv(b.labels())).isEqualTo(FaultLabels.toCsv(a.labels()));
    assertThat(a.labels()).isNotEmpty();
  }

  @Test
  void anotherSeedGivesOtherMessages() {
    Fleets.Run a = Fleets.run(SimulatorConfig.SEED, "1");
    Fleets.Run b = Fleets.run(SimulatorConfig.SEED, "2");
    assertThat(a.messages().get(0).payloadText()).isNotEqualTo(b.messages().get(0).payloadText());
  }

  @Test
  void addingDevicesLeavesExistingDevicesUnchanged() {
    Fleets.Run small = Fleets.run(SimulatorConfig.DEVICES, "3", SimulatorConfig.FAULTS, "default");
    Fleets.Run large = Fleets.run(SimulatorConfig.DEVICES, "9", SimulatorConfig.FAULTS, "default");
    for (String d : small.generator().deviceIds()) {
      List<String> x = small.of(d).stream().map(SimulatedMessage::payloadText).toList();
      List<String> y = large.of(d).stream().map(SimulatedMessage::payloadText).toList();
      assertThat(y).isEqualTo(x);
      assertThat(large.labels().stream().filter(l -> l.device().equals(d)).toList())
          .isEqualTo(small.labels().stream().filter(l -> l.device().equals(d)).toList());
    }
  }

  @Test
  void messagesComeInPublishOrderInsideTheWindow() {
    Fleets.Run r = Fleets.run(SimulatorConfig.FAULTS, "default,late=0.05,ooo=0.05");
    Instant prev = Instant.MIN;
    for (SimulatedMessage m : r.messages()) {
      assertThat(m.publishTime()).isAfterOrEqualTo(prev).isAfterOrEqualTo(m.eventTime());
      assertThat(m.eventTime()).isAfterOrEqualTo(r.generator().windowStart()).isBefore(r.generator().windowEnd());
      prev = m.publishTime();
    }
    assertThat(r.generator().windowEnd()).isEqualTo(Fleets.NOW);
    assertThat(r.generator().windowStart()).isEqualTo(Fleets.NOW.minusSeconds(6 * 3600));
  }

  @Test
  void withoutFaultsEveryPayloadFollowsTheContractAndNothingIsLabelled() {
    Fleets.Run r = Fleets.run(SimulatorConfig.DEVICES, "24", SimulatorConfig.FAULTS, "none");
    assertThat(r.labels()).isEmpty();
    assertThat(r.generator().done()).isTrue();
    Set<String> styles = new HashSet<>();
    for (SimulatedMessage m : r.messages()) {
      assertThat(m.faults()).isEmpty();
      assertThat(m.topic()).isEqualTo("devices/" + m.deviceId() + "/telemetry");
      JsonNode n = Fleets.parse(m);
      assertThat(Fleets.ts(n)).isEqualTo(m.eventTime().toEpochMilli());
      boolean nested = n.has("metrics");
      styles.add((nested ? "nested" : "flat") + "/" + (n.get("ts").isNumber() ? "millis" : "iso") + "/"
          + (n.has("seq") ? "seq" : "msgId"));
      if (n.has("seq")) {
        assertThat(n.get("seq").isIntegralNumber()).isTrue();
      } else {
        assertThat(n.get("msgId").asText()).startsWith(m.deviceId() + "-");
      }
      JsonNode metrics = Fleets.metrics(n);
      List<String> names = r.generator().metricsOf(m.deviceId());
      for (String metric : names) {
        assertThat(metrics.get(metric).isNumber()).as(metric + " in " + m.payloadText()).isTrue();
        assertThat(Double.isFinite(metrics.get(metric).asDouble())).isTrue();
      }
      assertThat(m.payload().length).isLessThan(64 * 1024);
    }
    // The fleet mixes flat/nested, millis/ISO and msgId/seq.
    assertThat(styles.stream().map(s -> s.split("/")[0]).distinct()).hasSize(2);
    assertThat(styles.stream().map(s -> s.split("/")[1]).distinct()).hasSize(2);
    assertThat(styles.stream().map(s -> s.split("/")[2]).distinct()).hasSize(2);
  }

  @Test
  void eachDeviceKeepsItsOwnIntervalAndIdsCount() {
    Fleets.Run r = Fleets.run(SimulatorConfig.DEVICES, "12");
    Set<Long> intervals = new HashSet<>();
    for (String d : r.generator().deviceIds()) {
      List<SimulatedMessage> ms = r.of(d);
      long interval = r.generator().intervalOf(d).toMillis();
      intervals.add(interval);
      long span = ms.get(ms.size() - 1).eventTime().toEpochMilli() - ms.get(0).eventTime().toEpochMilli();
      double mean = (double) span / (ms.size() - 1);
      assertThat(mean).as(d).isBetween(interval * 0.98, interval * 1.02);
      for (int i = 1; i < ms.size(); i++) {
        long gap = ms.get(i).eventTime().toEpochMilli() - ms.get(i - 1).eventTime().toEpochMilli();
        assertThat(gap).isBetween((long) (interval * 0.59), (long) (interval * 1.41));
      }
    }
    assertThat(intervals).hasSizeGreaterThan(2);
    assertThat(r.generator().deviceIds()).startsWith("dev-0001", "dev-0002");
  }

  @Test
  void dailySeasonalityIsVisibleInTemperature() {
    Fleets.Run r = Fleets.run(SimulatorConfig.DEVICES, "16", SimulatorConfig.HISTORY, "7d", SimulatorConfig.INTERVAL, "60s");
    double[] sum = new double[24];
    int[] count = new int[24];
    for (SimulatedMessage m : r.messages()) {
      if (r.generator().metricsOf(m.deviceId()).contains("temperature")) {
        int hour = m.eventTime().atZone(java.time.ZoneOffset.UTC).getHour();
        sum[hour] += Fleets.value(m, "temperature");
        count[hour]++;
      }
    }
    assertThat(count[3]).isPositive();
    double afternoon = (sum[14] + sum[15] + sum[16]) / (count[14] + count[15] + count[16]);
    double night = (sum[2] + sum[3] + sum[4]) / (count[2] + count[3] + count[4]);
    // Daily amplitude is about 3 degrees: peak mid-afternoon, trough before dawn.
    assertThat(afternoon - night).isGreaterThan(3.0);
  }

  @Test
  void labelsAreSortedAndEveryPointFaultMessageIsLabelled() {
    Fleets.Run r = Fleets.run(SimulatorConfig.DEVICES, "10",
        SimulatorConfig.FAULTS, "default,spike=0.02,malformed=0.02,duplicate=0.02,late=0.02,ooo=0.02,gap=1");
    assertThat(r.labels()).isSortedAccordingTo(FaultLabel.ORDER);
    Map<FaultKind, Long> labels = r.labels().stream().collect(Collectors.groupingBy(FaultLabel::kind, Collectors.counting()));
    Map<FaultKind, Long> messages = r.messages().stream().flatMap(m -> m.faults().stream())
        .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
    for (FaultKind k : List.of(FaultKind.SPIKE, FaultKind.MALFORMED, FaultKind.LATE, FaultKind.OUT_OF_ORDER)) {
      assertThat(messages.get(k)).as(k.name()).isEqualTo(labels.get(k)).isPositive();
    }
    assertThat(messages.get(FaultKind.DUPLICATE)).isEqualTo(2 * labels.get(FaultKind.DUPLICATE));
  }

  @Test
  void labelsSurviveTheCsvRoundTrip() {
    Fleets.Run r = Fleets.run(SimulatorConfig.FAULTS, "dead=1,spike=0.01");
    String csv = FaultLabels.toCsv(r.labels());
    assertThat(csv).startsWith("device,metric,kind,start,end\n");
    assertThat(csv.lines().filter(l -> l.contains(",DEAD,"))).isNotEmpty().allMatch(l -> l.endsWith(","));
    assertThat(csv).containsPattern("dev-\\d{4},[a-z_]+,SPIKE,(\\S+Z),\\1\n");
    assertThat(FaultLabels.parse(csv)).isEqualTo(r.labels());
  }

  @Test
  void streamIsLazyForLongWindows() {
    FleetGenerator g = new FleetGenerator(new SimulatorConfig(Fleets.settings(SimulatorConfig.DEVICES, "200",
        SimulatorConfig.HISTORY, "30d", SimulatorConfig.INTERVAL, "1s")), java.time.Clock.fixed(Fleets.NOW, java.time.ZoneOffset.UTC));
    Iterator<SimulatedMessage> it = g;
    long n = 0;
    while (it.hasNext() && n < 1000) {
      it.next();
      n++;
    }
    assertThat(n).isEqualTo(1000);
    assertThat(Arrays.asList(g.windowStart(), g.windowEnd())).containsExactly(Fleets.NOW.minus(java.time.Duration.ofDays(30)), Fleets.NOW);
  }
}
