package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each fault kind, alone: it is injected, and its labels say exactly where. Values are checked
 * against a fault-free run with the same seed, which draws the same readings.
 */
class FaultInjectionTest {
  private static final Fleets.Run CLEAN = Fleets.run(SimulatorConfig.DEVICES, "8");

  private static Fleets.Run only(String spec) {
    return Fleets.run(SimulatorConfig.DEVICES, "8", SimulatorConfig.FAULTS, spec);
  }

  private static List<FaultLabel> labels(Fleets.Run r, FaultKind kind) {
    List<FaultLabel> ls = r.labels().stream().filter(l -> l.kind() == kind).toList();
    assertThat(ls).as("labels of " + kind).isNotEmpty();
    assertThat(r.labels()).as("only " + kind + " injected").allMatch(l -> l.kind() == kind);
    return ls;
  }

  private static Map<Instant, SimulatedMessage> byEventTime(List<SimulatedMessage> ms) {
    return ms.stream().collect(Collectors.toMap(SimulatedMessage::eventTime, Function.identity(), (a, b) -> a));
  }

  @Test
  void gapSilencesTheDeviceInsideItsLabelThenResumes() {
    Fleets.Run r = only("gap=1");
    for (FaultLabel l : labels(r, FaultKind.GAP)) {
      assertThat(l.metric()).isEqualTo("*");
      List<SimulatedMessage> ms = r.of(l.device());
      assertThat(ms).noneMatch(m -> l.covers(m.eventTime()) || l.covers(m.publishTime()));
      assertThat(ms).anyMatch(m -> m.eventTime().isBefore(l.start()));
      assertThat(ms).anyMatch(m -> m.eventTime().isAfter(l.end()));
      // The clean run has readings exactly at the label's bounds: they are what went missing.
      Map<Instant, SimulatedMessage> clean = byEventTime(CLEAN.of(l.device()));
      assertThat(clean).containsKeys(l.start(), l.end());
      long missing = CLEAN.of(l.device()).stream().filter(m -> l.covers(m.eventTime())).count();
      assertThat(r.of(l.device())).hasSize(CLEAN.of(l.device()).size() - (int) missing
          - (int) r.labels().stream().filter(x -> x.device().equals(l.device()) && x != l).mapToLong(
              x -> CLEAN.of(l.device()).stream().filter(m -> x.covers(m.eventTime())).count()).sum());
    }
  }

  @Test
  void deadDeviceSendsNothingFromItsLabelOn() {
    Fleets.Run r = only("dead=1");
    List<FaultLabel> dead = labels(r, FaultKind.DEAD);
    assertThat(dead).hasSize(8);
    for (FaultLabel l : dead) {
      assertThat(l.end()).isNull();
      List<SimulatedMessage> ms = r.of(l.device());
      assertThat(ms).isNotEmpty().allMatch(m -> m.eventTime().isBefore(l.start()) && m.publishTime().isBefore(l.start()));
      assertThat(byEventTime(CLEAN.of(l.device()))).containsKey(l.start());
      assertThat(ms).hasSize((int) CLEAN.of(l.device()).stream().filter(m -> m.eventTime().isBefore(l.start())).count());
    }
  }

  @Test
  void frequencyChangeMultipliesOrDividesTheInterval() {
    Fleets.Run r = only("frequency=1");
    List<FaultLabel> ls = labels(r, FaultKind.FREQUENCY_CHANGE);
    assertThat(ls).hasSize(8);
    boolean faster = false;
    boolean slower = false;
    for (FaultLabel l : ls) {
      List<SimulatedMessage> ms = r.of(l.device());
      double before = meanSpacing(ms.stream().filter(m -> m.eventTime().isBefore(l.start())).toList());
      double after = meanSpacing(ms.stream().filter(m -> !m.eventTime().isBefore(l.start())).toList());
      double ratio = after / before;
      assertThat(ratio).as(l.toString()).satisfiesAnyOf(x -> assertThat(x).isBetween(2.8, 3.2), x -> assertThat(x).isBetween(0.3, 0.37));
      faster |= ratio < 1;
      slower |= ratio > 1;
      assertThat(l.end()).isEqualTo(ms.get(ms.size() - 1).eventTime());
    }
    assertThat(faster && slower).isTrue();
  }

  private static double meanSpacing(List<SimulatedMessage> ms) {
    return (double) (ms.get(ms.size() - 1).eventTime().toEpochMilli() - ms.get(0).eventTime().toEpochMilli()) / (ms.size() - 1);
  }

  @Test
  void spikeChangesExactlyTheLabelledReadingBySeveralSigma() {
    Fleets.Run r = only("spike=0.01");
    List<FaultLabel> ls = labels(r, FaultKind.SPIKE);
    assertThat(r.messages()).hasSameSizeAs(CLEAN.messages());
    int changed = 0;
    Map<String, Double> spread = new HashMap<>();
    for (int i = 0; i < r.messages().size(); i++) {
      SimulatedMessage m = r.messages().get(i);
      SimulatedMessage c = CLEAN.messages().get(i);
      if (!m.payloadText().equals(c.payloadText())) {
        changed++;
        List<FaultLabel> hit = ls.stream().filter(l -> l.device().equals(m.deviceId()) && l.start().equals(m.eventTime())).toList();
        assertThat(hit).hasSize(1);
        FaultLabel l = hit.get(0);
        assertThat(l.end()).isEqualTo(l.start());
        double sd = spread.computeIfAbsent(m.deviceId() + "/" + l.metric(), k -> stddev(
            CLEAN.of(m.deviceId()).stream().mapToDouble(x -> Fleets.value(x, l.metric())).toArray()));
        assertThat(Math.abs(Fleets.value(m, l.metric()) - Fleets.value(c, l.metric()))).isGreaterThan(4 * sd);
        for (String other : r.generator().metricsOf(m.deviceId())) {
          if (!other.equals(l.metric())) {
            assertThat(Fleets.value(m, other)).isEqualTo(Fleets.value(c, other));
          }
        }
      }
    }
    assertThat(changed).isEqualTo(ls.size());
  }

  private static double stddev(double[] xs) {
    double mean = java.util.Arrays.stream(xs).average().orElseThrow();
    return Math.sqrt(java.util.Arrays.stream(xs).map(x -> (x - mean) * (x - mean)).sum() / xs.length);
  }

  @Test
  void levelShiftAddsAConstantStepFromItsStart() {
    Fleets.Run r = only("shift=0.5");
    for (FaultLabel l : labels(r, FaultKind.LEVEL_SHIFT)) {
      List<SimulatedMessage> ms = r.of(l.device());
      List<SimulatedMessage> cs = CLEAN.of(l.device());
      assertThat(ms).hasSameSizeAs(cs);
      Double step = null;
      for (int i = 0; i < ms.size(); i++) {
        double d = Fleets.value(ms.get(i), l.metric()) - Fleets.value(cs.get(i), l.metric());
        if (ms.get(i).eventTime().isBefore(l.start())) {
          assertThat(d).isZero();
        } else {
          step = step == null ? d : step;
          // Equal up to rounding each reading to its precision (at most one step of 0.1).
          assertThat(d).isCloseTo(step, org.assertj.core.data.Offset.offset(0.1001));
        }
      }
      assertThat(Math.abs(step)).isGreaterThan(1e-3);
      assertThat(l.end()).isEqualTo(ms.get(ms.size() - 1).eventTime());
    }
  }

  @Test
  void driftDepartsLinearlyFromItsStart() {
    Fleets.Run r = only("drift=0.5");
    for (FaultLabel l : labels(r, FaultKind.DRIFT)) {
      List<SimulatedMessage> ms = r.of(l.device());
      List<SimulatedMessage> cs = CLEAN.of(l.device());
      double first = Double.NaN;
      double last = 0;
      for (int i = 0; i < ms.size(); i++) {
        double d = Fleets.value(ms.get(i), l.metric()) - Fleets.value(cs.get(i), l.metric());
        if (ms.get(i).eventTime().isBefore(l.start())) {
          assertThat(d).isZero();
        } else {
          first = Double.isNaN(first) ? d : first;
          last = d;
        }
      }
      assertThat(Math.abs(last)).isGreaterThan(Math.abs(first) + 0.01);
    }
  }

  @Test
  void duplicateIsTheSameMessageTwiceInARow() {
    Fleets.Run r = only("duplicate=0.01");
    for (FaultLabel l : labels(r, FaultKind.DUPLICATE)) {
      assertThat(l.metric()).isEqualTo("*");
      List<SimulatedMessage> ms = r.of(l.device());
      List<Integer> at = new java.util.ArrayList<>();
      for (int i = 0; i < ms.size(); i++) {
        if (ms.get(i).eventTime().equals(l.start())) {
          at.add(i);
        }
      }
      assertThat(at).hasSize(2);
      assertThat(at.get(1)).isEqualTo(at.get(0) + 1);
      assertThat(ms.get(at.get(1)).payload()).isEqualTo(ms.get(at.get(0)).payload());
      JsonNode n = Fleets.parse(ms.get(at.get(0)));
      assertThat(n.has("seq") || n.has("msgId")).isTrue();
    }
  }

  @Test
  void lateMessagesArriveWellAfterTheirEventTime() {
    Fleets.Run r = only("late=0.01");
    for (FaultLabel l : labels(r, FaultKind.LATE)) {
      SimulatedMessage m = byEventTime(r.of(l.device())).get(l.start());
      assertThat(Duration.between(m.eventTime(), m.publishTime())).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(6));
      // Its bytes are what the device would have sent on time.
      assertThat(m.payload()).isEqualTo(byEventTime(CLEAN.of(l.device())).get(l.start()).payload());
    }
    assertThat(r.messages().stream().filter(m -> m.publishTime().isAfter(m.eventTime())).count())
        .isEqualTo(labels(r, FaultKind.LATE).size());
  }

  @Test
  void outOfOrderMessagesArriveJustAfterTheirSuccessor() {
    Fleets.Run r = only("ooo=0.01");
    for (FaultLabel l : labels(r, FaultKind.OUT_OF_ORDER)) {
      List<SimulatedMessage> ms = r.of(l.device());
      int i = 0;
      while (!ms.get(i).eventTime().equals(l.start())) {
        i++;
      }
      // Received after a message with a later event time (and a later payload ts).
      assertThat(i).isPositive();
      SimulatedMessage before = ms.get(i - 1);
      assertThat(before.eventTime()).isAfter(l.start());
      assertThat(Fleets.ts(Fleets.parse(before))).isGreaterThan(Fleets.ts(Fleets.parse(ms.get(i))));
    }
  }

  @Test
  void clockSkewShiftsTheTimestampsByAFixedOffset() {
    Fleets.Run r = only("skew=1");
    List<FaultLabel> ls = labels(r, FaultKind.CLOCK_SKEW);
    assertThat(ls).hasSize(8);
    for (FaultLabel l : ls) {
      for (SimulatedMessage m : r.of(l.device())) {
        long off = Fleets.ts(Fleets.parse(m)) - m.eventTime().toEpochMilli();
        if (l.covers(m.eventTime())) {
          assertThat(Math.abs(off)).isEqualTo(Duration.ofMinutes(10).toMillis());
        } else {
          assertThat(off).isZero();
        }
      }
    }
  }

  @Test
  void malformedPayloadsReallyBreakTheContract() {
    Fleets.Run r = only("malformed=0.05");
    Map<String, Integer> variants = new HashMap<>();
    Map<String, Map<Instant, SimulatedMessage>> index = new HashMap<>();
    for (FaultLabel l : labels(r, FaultKind.MALFORMED)) {
      SimulatedMessage m = index.computeIfAbsent(l.device(), d -> byEventTime(r.of(d))).get(l.start());
      variants.merge(classify(m, l), 1, Integer::sum);
    }
    assertThat(variants.keySet()).containsExactlyInAnyOrder("not-json", "empty", "oversized", "missing-ts", "ts-1970",
        "ts-2999", "non-numeric", "nan");
    // Everything not labelled is well-formed.
    for (SimulatedMessage m : r.messages()) {
      if (!m.faults().contains(FaultKind.MALFORMED)) {
        assertThat(Fleets.ts(Fleets.parse(m))).isEqualTo(m.eventTime().toEpochMilli());
      }
    }
  }

  private static String classify(SimulatedMessage m, FaultLabel l) {
    if (m.payload().length == 0) {
      assertThat(l.metric()).isEqualTo("*");
      return "empty";
    }
    JsonNode n;
    try {
      n = Fleets.JSON.readTree(m.payload());
    } catch (java.io.IOException e) {
      assertThat(l.metric()).isEqualTo("*");
      return "not-json";
    }
    if (m.payload().length > 64 * 1024) {
      return "oversized";
    }
    if (!l.metric().equals("*")) {
      JsonNode v = Fleets.metrics(n).get(l.metric());
      assertThat(v.isTextual()).isTrue();
      assertThatThrownBy(() -> { if (!Double.isFinite(Double.parseDouble(v.asText()))) throw new NumberFormatException(); })
          .isInstanceOf(NumberFormatException.class);
      return v.asText().equals("NaN") ? "nan" : "non-numeric";
    }
    Long ts = Fleets.ts(n);
    if (ts == null) {
      return "missing-ts";
    }
    int year = Instant.ofEpochMilli(ts).atZone(java.time.ZoneOffset.UTC).getYear();
    assertThat(year).isIn(1970, 2999);
    return "ts-" + year;
  }

  @Test
  void noneTurnsEveryFaultOff() {
    assertThat(CLEAN.labels()).isEmpty();
    assertThat(CLEAN.messages()).allMatch(m -> m.faults().isEmpty() && m.publishTime().equals(m.eventTime()));
  }

  @Test
  void labelsStayExactWhenEveryFaultInteracts() {
    Fleets.Run r = Fleets.run(SimulatorConfig.DEVICES, "16", SimulatorConfig.HISTORY, "1d", SimulatorConfig.INTERVAL, "30s",
        SimulatorConfig.FAULTS, "gap=1,dead=0.4,frequency=0.5,skew=0.5,shift=0.3,drift=0.3,"
            + "spike=0.02,malformed=0.02,duplicate=0.02,late=0.05,ooo=0.05");
    Map<FaultKind, Long> kinds = r.labels().stream().collect(Collectors.groupingBy(FaultLabel::kind, Collectors.counting()));
    assertThat(kinds.keySet()).containsExactlyInAnyOrder(FaultKind.values());
    Map<String, List<SimulatedMessage>> byDevice = r.messages().stream().collect(Collectors.groupingBy(SimulatedMessage::deviceId));
    Map<String, List<FaultLabel>> labelsOf = r.labels().stream().collect(Collectors.groupingBy(FaultLabel::device));
    for (Map.Entry<String, List<FaultLabel>> e : labelsOf.entrySet()) {
      List<SimulatedMessage> ms = byDevice.get(e.getKey());
      Map<Instant, List<Integer>> at = new HashMap<>();
      for (int i = 0; i < ms.size(); i++) {
        at.computeIfAbsent(ms.get(i).eventTime(), t -> new java.util.ArrayList<>()).add(i);
      }
      for (FaultLabel l : e.getValue()) {
        List<Integer> idx = at.getOrDefault(l.start(), List.of());
        switch (l.kind()) {
          case GAP, DEAD -> assertThat(ms).as(l.toString())
              .noneMatch(m -> l.covers(m.eventTime()) || l.covers(m.publishTime()));
          case LATE -> {
            assertThat(idx).as(l.toString()).hasSize(1);
            SimulatedMessage m = ms.get(idx.get(0));
            assertThat(m.publishTime()).isAfterOrEqualTo(m.eventTime().plus(Duration.ofMinutes(2)));
          }
          case DUPLICATE -> {
            assertThat(idx).as(l.toString()).hasSize(2);
            assertThat(ms.get(idx.get(1)).payload()).isEqualTo(ms.get(idx.get(0)).payload());
          }
          case OUT_OF_ORDER -> {
            assertThat(idx).as(l.toString()).hasSize(1);
            // Its successor arrived first (a late message may arrive in between).
            assertThat(ms.subList(Math.max(0, idx.get(0) - 3), idx.get(0))).as(l.toString())
                .anyMatch(m -> m.eventTime().isAfter(l.start()));
          }
          case SPIKE, MALFORMED -> {
            assertThat(idx).as(l.toString()).hasSize(1);
            assertThat(ms.get(idx.get(0)).faults()).contains(l.kind());
          }
          default -> assertThat(ms).as(l.toString()).filteredOn(m -> l.covers(m.eventTime()))
              .isNotEmpty().allMatch(m -> m.faults().contains(l.kind()));
        }
      }
      // No message claims a fault its device has no label for.
      for (SimulatedMessage m : ms) {
        for (FaultKind k : m.faults()) {
          assertThat(e.getValue()).as(m.deviceId() + " " + k + " at " + m.eventTime())
              .anyMatch(l -> l.kind() == k && l.covers(m.eventTime()));
        }
      }
    }
  }
}
