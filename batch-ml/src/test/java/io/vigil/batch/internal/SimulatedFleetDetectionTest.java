package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TelemetryParser;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import io.vigil.simulator.FleetGenerator;
import io.vigil.simulator.SimulatedMessage;
import io.vigil.simulator.SimulatorConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Detection on a simulated fleet with labelled faults, without Spark: a day of hourly windows scored
 * with the default detector settings against seasonal naive (no model), events compared with the
 * simulator's ground truth.
 */
class SimulatedFleetDetectionTest {
  private static final long HOUR = 3_600_000_000L;
  private static final Instant ANCHOR = Instant.parse("2026-11-22T00:00:00Z");

  @Test
  void spikesAreFoundAndFewEventsFallOutsideTheLabelledFaults() {
    FleetGenerator fleet = fleet("5d", "spike=0.003,level_shift=0.3,drift=0.3");
    Map<String, TreeMap<Long, Double>> series = series(fleet);
    List<FaultLabel> labels = fleet.labels();

    // The job's default detector settings; only the windows shortened to fit five days of history.
    io.vigil.batch.ForecastJobConfig config = new io.vigil.batch.ForecastJobConfig(Map.of(
        io.vigil.batch.ForecastJobConfig.HISTORY, "2d", io.vigil.batch.ForecastJobConfig.SCORE_HISTORY, "2d"));
    long firstAsOf = ANCHOR.getEpochSecond() * 1_000_000L - 23 * HOUR;
    long scoredFrom = firstAsOf - HOUR;
    long scoredTo = ANCHOR.getEpochSecond() * 1_000_000L;
    List<AnomalyEvent> events = new ArrayList<>();
    long readings = 0;
    for (Map.Entry<String, TreeMap<Long, Double>> e : series.entrySet()) {
      String[] id = e.getKey().split("\\|");
      for (long asOf = firstAsOf; asOf <= scoredTo; asOf += HOUR) {
        ScorePlan p = io.vigil.batch.ScoreJob.plan(config, Instant.EPOCH.plusNanos(asOf * 1_000));
        SeriesScorer.Result r = SeriesScorer.score(input(id[0], id[1], e.getValue(), p), p, null);
        events.addAll(r.events());
        readings += r.readings().size();
      }
    }

    List<FaultLabel> spikes = labels.stream().filter(l -> l.kind() == FaultKind.SPIKE && inRange(l.start(), scoredFrom, scoredTo)).toList();
    long spikesFound = spikes.stream().filter(l -> events.stream().anyMatch(ev -> ev.kind() == AnomalyKind.SPIKE
        && same(ev, l) && ev.start().equals(l.start()))).count();
    List<AnomalyEvent> spikeEvents = events.stream().filter(ev -> ev.kind() == AnomalyKind.SPIKE).toList();
    long spikeEventsTrue = spikeEvents.stream().filter(ev -> spikes.stream().anyMatch(l -> same(ev, l) && ev.start().equals(l.start()))).count();
    List<FaultLabel> sustained = labels.stream().filter(l -> (l.kind() == FaultKind.LEVEL_SHIFT || l.kind() == FaultKind.DRIFT)
        && inRange(l.start(), scoredFrom - 12 * HOUR, scoredTo - 2 * HOUR)).toList();
    long sustainedFound = sustained.stream().filter(l -> events.stream().anyMatch(ev -> ev.kind() != AnomalyKind.SPIKE && same(ev, l)
        && !ev.start().isBefore(l.start()) && ev.start().isBefore(l.start().plus(Duration.ofHours(12))))).count();
    // An event explained by no label: its series had no fault covering (or just before) its start.
    long unexplained = events.stream().filter(ev -> labels.stream().noneMatch(l -> same(ev, l)
        && (l.covers(ev.start()) || (l.end() != null && !ev.start().isBefore(l.start()) && ev.start().isBefore(l.end().plus(Duration.ofHours(1))))))).count();
    Map<AnomalyKind, Long> byKind = new TreeMap<>();
    events.forEach(ev -> byKind.merge(ev.kind(), 1L, Long::sum));
    System.out.printf("Simulated fleet: %d series, %d readings scored in 24 hourly windows; events %s.%n"
            + "  spikes: %d labelled, %d found (recall %.2f); %d SPIKE events, %d on a labelled spike (precision %.2f)%n"
            + "  level shifts and drifts starting in the scored day (or 12h before): %d, %d reported by a non-spike event%n"
            + "  events explained by no label: %d of %d%n",
        series.size(), readings, byKind, spikes.size(), spikesFound, ratio(spikesFound, spikes.size()), spikeEvents.size(),
        spikeEventsTrue, ratio(spikeEventsTrue, spikeEvents.size()), sustained.size(), sustainedFound, unexplained, events.size());

    assertThat(spikes).hasSizeGreaterThan(5);
    assertThat(ratio(spikesFound, spikes.size())).isGreaterThanOrEqualTo(0.9);
    assertThat(ratio(spikeEventsTrue, spikeEvents.size())).isGreaterThanOrEqualTo(0.9);
    assertThat(sustainedFound).isEqualTo(sustained.size());
    assertThat(ratio(unexplained, events.size())).isLessThanOrEqualTo(0.2);
  }

  /** Issue 17: on series with no fault at all, at most 1 % of readings score at or above the threshold, on every series. */
  @Test
  void aFaultFreeFleetScoresAtMostOnePercentOfItsReadingsOverTheThreshold() {
    Map<String, TreeMap<Long, Double>> series = series(fleet("4d", "none"));
    io.vigil.batch.ForecastJobConfig config = new io.vigil.batch.ForecastJobConfig(Map.of(
        io.vigil.batch.ForecastJobConfig.HISTORY, "2d", io.vigil.batch.ForecastJobConfig.SCORE_HISTORY, "2d"));
    long scoredTo = ANCHOR.getEpochSecond() * 1_000_000L;
    long readings = 0;
    long over = 0;
    double worst = 0;
    for (Map.Entry<String, TreeMap<Long, Double>> e : series.entrySet()) {
      String[] id = e.getKey().split("\\|");
      long seriesReadings = 0;
      long seriesOver = 0;
      for (long asOf = scoredTo - 23 * HOUR; asOf <= scoredTo; asOf += HOUR) {
        ScorePlan p = io.vigil.batch.ScoreJob.plan(config, Instant.EPOCH.plusNanos(asOf * 1_000));
        for (SeriesScorer.ScoredReading r : SeriesScorer.score(input(id[0], id[1], e.getValue(), p), p, null).readings()) {
          seriesReadings++;
          seriesOver += r.score() >= p.threshold() ? 1 : 0;
        }
      }
      readings += seriesReadings;
      over += seriesOver;
      worst = Math.max(worst, ratio(seriesOver, seriesReadings));
    }
    System.out.printf("Fault-free fleet: %d series, %d readings scored in 24 hourly windows, %d at or above the threshold;"
        + " worst series %.2f %%%n", series.size(), readings, over, 100 * worst);

    assertThat(readings).isGreaterThan(5_000);
    assertThat(worst).isLessThanOrEqualTo(0.01);
  }

  /** Twelve devices reporting every two minutes over {@code history} up to the anchor, seed 5, with {@code faults}. */
  private static FleetGenerator fleet(String history, String faults) {
    Map<String, String> s = new HashMap<>();
    s.put(SimulatorConfig.DEVICES, "12");
    s.put(SimulatorConfig.HISTORY, history);
    s.put(SimulatorConfig.DURATION, "0s");
    s.put(SimulatorConfig.INTERVAL, "2m");
    s.put(SimulatorConfig.SEED, "5");
    s.put(SimulatorConfig.OUTPUT, "count");
    s.put(SimulatorConfig.FAULTS, faults);
    return new FleetGenerator(new SimulatorConfig(s), Clock.fixed(ANCHOR, ZoneOffset.UTC));
  }

  /** The fleet's readings, parsed as the bridge would, by "device|metric" and event time in microseconds. */
  private static Map<String, TreeMap<Long, Double>> series(FleetGenerator fleet) {
    TelemetryParser parser = new TelemetryParser(ParserOptions.defaults());
    Map<String, TreeMap<Long, Double>> series = new TreeMap<>();
    while (fleet.hasNext()) {
      SimulatedMessage msg = fleet.next();
      for (Measurement m : parser.parse(msg.topic(), msg.payload(), msg.publishTime().toEpochMilli()).measurements()) {
        series.computeIfAbsent(m.deviceId() + "|" + m.metric(), k -> new TreeMap<>()).put(m.eventTimeMillis() * 1000, m.value());
      }
    }
    return series;
  }

  private static boolean same(AnomalyEvent ev, FaultLabel l) {
    return ev.deviceId().equals(l.device()) && (l.metric().equals(FaultLabel.WHOLE_DEVICE) || l.metric().equals(ev.metric()));
  }

  private static boolean inRange(Instant t, long fromMicros, long toMicros) {
    long us = t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    return us >= fromMicros && us < toMicros;
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /** Readings of one series as a scorer input for plan {@code p}: the hourly grid of means and the raw readings. */
  static SeriesScorer.Input input(String device, String metric, TreeMap<Long, Double> readings, ScorePlan p) {
    int buckets = p.gridBuckets();
    double[] sum = new double[buckets];
    int[] count = new int[buckets];
    long completeEnd = Math.floorDiv(p.asOfMicros(), HOUR) * HOUR;
    List<Long> times = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Map.Entry<Long, Double> r : readings.subMap(p.contextStartMicros(), p.asOfMicros()).entrySet()) {
      long t = r.getKey();
      if (t < completeEnd) {
        int g = (int) (Math.floorDiv(t, HOUR) - p.contextStartIdx());
        sum[g] += r.getValue();
        count[g]++;
      }
      if (t >= p.historyStartMicros()) {
        times.add(t);
        values.add(r.getValue());
      }
    }
    double[] y = new double[buckets];
    for (int g = 0; g < buckets; g++) {
      y[g] = count[g] == 0 ? Double.NaN : sum[g] / count[g];
    }
    return new SeriesScorer.Input(new SeriesHistory(device, metric, p.contextStartIdx(), HOUR, y, new boolean[buckets]),
        times.stream().mapToLong(Long::longValue).toArray(), values.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
