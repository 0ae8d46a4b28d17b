package io.vigil.simulator.internal;

import io.vigil.simulator.Dialect;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import io.vigil.simulator.SimulatedMessage;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One device's messages in publish order, generated lazily. Readings are produced in event-time
 * order, then delivery faults (duplicate, late, out-of-order) move their publish times; a small
 * buffer releases a message once nothing later can be due before it. Labels go to the sink as soon
 * as they are certain; those of lasting faults when the device's stream ends.
 */
public final class DeviceStream {
  private enum Delivery { NORMAL, DUPLICATE, LATE, OUT_OF_ORDER }

  private static final class Reading {
    long eventMs;
    long publishMs;
    List<DialectWriter.Publication> out;
    /** What the device publishes once before this, its first reading (Sparkplug's births); else empty. */
    List<DialectWriter.Publication> before = List.of();
    EnumSet<FaultKind> faults;
    Delivery delivery;
  }

  private record Pending(SimulatedMessage message, long order) {}

  private final DeviceProfile profile;
  private final DevicePlan plan;
  private final FaultSettings faults;
  private final long windowStart;
  private final long windowEnd;
  private final Consumer<FaultLabel> labels;
  private final DialectWriter writer;
  private final Dialect dialect;
  private final SplittableRandom values;
  private final SplittableRandom schedule;
  private final SplittableRandom point;
  private final long jitterBaseMs;
  private final PriorityQueue<Pending> buffer =
      new PriorityQueue<>(Comparator.comparing((Pending p) -> p.message().publishTime()).thenComparingLong(Pending::order));

  private long nominal;
  private boolean newCadence;
  private long seq;
  private long order;
  private Reading lookahead;
  private boolean started;
  private boolean finished;
  private boolean rawDone;

  // First/last affected event times, for labels of lasting faults.
  private final long[] gapFirst;
  private final long[] gapLast;
  private long deadFirst = -1;
  private long freqFirst = -1;
  private long skewFirst = -1;
  private final long[] shiftFirst;
  private final long[] driftFirst;
  private long lastSent = -1;

  public DeviceStream(long seed, DeviceProfile profile, DevicePlan plan, FaultSettings faults, long windowStart,
      long windowEnd, Consumer<FaultLabel> labels) {
    this(seed, profile, plan, faults, windowStart, windowEnd, labels, DialectWriters.Options.DEFAULT);
  }

  public DeviceStream(long seed, DeviceProfile profile, DevicePlan plan, FaultSettings faults, long windowStart,
      long windowEnd, Consumer<FaultLabel> labels, DialectWriters.Options options) {
    this.profile = profile;
    this.dialect = profile.dialect();
    this.writer = DialectWriters.create(seed, profile, options);
    this.plan = plan;
    this.faults = faults;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.labels = labels;
    this.values = Seeds.stream(seed, profile.index(), Seeds.VALUES);
    this.schedule = Seeds.stream(seed, profile.index(), Seeds.SCHEDULE);
    this.point = Seeds.stream(seed, profile.index(), Seeds.POINT_FAULTS);
    // Jitter below half the shortest cadence keeps event times strictly increasing.
    this.jitterBaseMs = Math.min(profile.intervalMs(), plan.freqAt() == DevicePlan.NEVER ? Long.MAX_VALUE : plan.newIntervalMs());
    this.nominal = windowStart + profile.phaseMs();
    this.gapFirst = new long[plan.gaps().size()];
    this.gapLast = new long[plan.gaps().size()];
    java.util.Arrays.fill(gapFirst, -1);
    int n = profile.metrics().size();
    this.shiftFirst = new long[n];
    this.driftFirst = new long[n];
    java.util.Arrays.fill(shiftFirst, -1);
    java.util.Arrays.fill(driftFirst, -1);
  }

  public DeviceProfile profile() {
    return profile;
  }

  /** The next message in publish order without removing it, or null when the device is done. */
  public SimulatedMessage peek() {
    fill();
    Pending head = buffer.peek();
    return head == null ? null : head.message();
  }

  public SimulatedMessage poll() {
    fill();
    Pending head = buffer.poll();
    return head == null ? null : head.message();
  }

  private void fill() {
    while (!finished && (buffer.isEmpty() || buffer.peek().message().publishTime().toEpochMilli() > frontier())) {
      advance();
    }
  }

  /** Nothing not yet buffered can be due before this: every reading publishes at or after its event time. */
  private long frontier() {
    return lookahead == null ? Long.MAX_VALUE : lookahead.eventMs;
  }

  private void advance() {
    if (!started) {
      started = true;
      lookahead = nextReading();
    }
    Reading current = lookahead;
    if (current == null) {
      finish();
      return;
    }
    lookahead = nextReading();
    if (current.delivery == Delivery.OUT_OF_ORDER) {
      Reading next = lookahead;
      boolean possible = next != null && (next.delivery == Delivery.NORMAL || next.delivery == Delivery.DUPLICATE)
          && next.eventMs + 1 < windowEnd && !plan.silenceStartsIn(current.eventMs, next.eventMs + 1);
      if (possible) {
        current.publishMs = next.eventMs + 1;
        current.faults.add(FaultKind.OUT_OF_ORDER);
        labels.accept(FaultLabel.point(profile.id(), FaultLabel.WHOLE_DEVICE, FaultKind.OUT_OF_ORDER, Instant.ofEpochMilli(current.eventMs)));
      } else {
        current.delivery = Delivery.NORMAL;
      }
    }
    Instant event = Instant.ofEpochMilli(current.eventMs);
    Instant publish = Instant.ofEpochMilli(current.publishMs);
    for (DialectWriter.Publication p : current.before) {
      buffer.add(new Pending(new SimulatedMessage(profile.id(), p.topic(), p.payload(), event, event, Set.of(), dialect, p.values()),
          order++));
    }
    int copies = current.delivery == Delivery.DUPLICATE ? 2 : 1;
    for (int c = 0; c < copies; c++) {
      for (DialectWriter.Publication p : current.out) {
        buffer.add(new Pending(new SimulatedMessage(profile.id(), p.topic(), p.payload(), event, publish, current.faults,
            dialect, p.values()), order++));
      }
    }
  }

  /** The next reading the device sends, in event-time order, or null at the end of the window. */
  private Reading nextReading() {
    while (!rawDone) {
      long n = nominal;
      if (n >= windowEnd) {
        rawDone = true;
        break;
      }
      boolean changedCadence = newCadence;
      long step = profile.intervalMs();
      if (n >= plan.freqAt()) {
        step = plan.newIntervalMs();
        newCadence = true;
      }
      nominal = n + step;
      long jitter = Math.round((2 * schedule.nextDouble() - 1) * profile.jitterFraction() * jitterBaseMs);
      long e = Math.max(windowStart, n + jitter);
      if (e >= windowEnd) {
        rawDone = true;
        break;
      }
      List<MetricModel> metrics = profile.metrics();
      double[] v = new double[metrics.size()];
      for (int m = 0; m < v.length; m++) {
        v[m] = metrics.get(m).sample(e, e - windowStart, values);
      }
      // A fixed number of draws per reading, used or not, keeps later readings independent of outcomes.
      double uKind = point.nextDouble();
      double uMetric = point.nextDouble();
      double uSign = point.nextDouble();
      double uSize = point.nextDouble();
      double uVariant = point.nextDouble();
      double uDelay = point.nextDouble();

      if (e >= plan.deathAt()) {
        if (deadFirst < 0) {
          deadFirst = e;
          announceDeath(e);
        }
        continue;
      }
      int gap = plan.gapAt(e);
      if (gap >= 0) {
        if (gapFirst[gap] < 0) {
          gapFirst[gap] = e;
        }
        gapLast[gap] = e;
        continue;
      }
      return reading(e, changedCadence, v, uKind, uMetric, uSign, uSize, uVariant, uDelay);
    }
    return null;
  }

  /** The device's last word, if its family has one (Sparkplug's DDEATH), once it has said anything at all. */
  private void announceDeath(long e) {
    if (seq == 0) {
      return;
    }
    Instant at = Instant.ofEpochMilli(e);
    for (DialectWriter.Publication p : writer.death(e)) {
      buffer.add(new Pending(new SimulatedMessage(profile.id(), p.topic(), p.payload(), at, at, EnumSet.of(FaultKind.DEAD), dialect,
          p.values()), order++));
    }
  }

  private Reading reading(long e, boolean changedCadence, double[] v, double uKind, double uMetric, double uSign,
      double uSize, double uVariant, double uDelay) {
    Reading r = new Reading();
    r.eventMs = e;
    r.publishMs = e;
    r.faults = EnumSet.noneOf(FaultKind.class);
    r.delivery = Delivery.NORMAL;
    seq++;
    lastSent = e;
    long ts = e;
    // Only a device's own clock can be skewed; a network server's or the consumer's cannot.
    if (e >= plan.skewAt() && dialect.timeSource() == Dialect.TimeSource.DEVICE) {
      ts += plan.skewOffsetMs();
      r.faults.add(FaultKind.CLOCK_SKEW);
      skewFirst = skewFirst < 0 ? e : skewFirst;
    }
    if (changedCadence) {
      r.faults.add(FaultKind.FREQUENCY_CHANGE);
      freqFirst = freqFirst < 0 ? e : freqFirst;
    }
    List<MetricModel> metrics = profile.metrics();
    for (int m = 0; m < v.length; m++) {
      if (e >= plan.shiftAt()[m]) {
        v[m] += plan.shiftDelta()[m];
        r.faults.add(FaultKind.LEVEL_SHIFT);
        shiftFirst[m] = shiftFirst[m] < 0 ? e : shiftFirst[m];
      }
      if (e >= plan.driftAt()[m]) {
        v[m] += plan.driftPerMs()[m] * (e - plan.driftAt()[m]);
        r.faults.add(FaultKind.DRIFT);
        driftFirst[m] = driftFirst[m] < 0 ? e : driftFirst[m];
      }
    }

    FaultKind kind = pointKind(uKind);
    if (!dialect.carriesTime() && (kind == FaultKind.LATE || kind == FaultKind.OUT_OF_ORDER)) {
      // Without a timestamp the consumer stamps arrival: a late message is just a later reading.
      kind = null;
    }
    int metric = Math.min(v.length - 1, (int) (uMetric * v.length));
    Malformation bad = null;
    Instant at = Instant.ofEpochMilli(e);
    if (kind == FaultKind.SPIKE) {
      v[metric] += (uSign < 0.5 ? -1 : 1) * faults.spikeSigma() * (1 + uSize) * metrics.get(metric).spread();
      r.faults.add(FaultKind.SPIKE);
      labels.accept(FaultLabel.point(profile.id(), metrics.get(metric).name(), FaultKind.SPIKE, at));
    } else if (kind == FaultKind.MALFORMED) {
      Malformation[] variants = Malformation.values();
      bad = DialectWriters.adapt(dialect, variants[Math.min(variants.length - 1, (int) (uVariant * variants.length))]);
      r.faults.add(FaultKind.MALFORMED);
      labels.accept(FaultLabel.point(profile.id(),
          DialectWriters.malformationHitsOneMetric(dialect, bad) ? metrics.get(metric).name() : FaultLabel.WHOLE_DEVICE,
          FaultKind.MALFORMED, at));
    } else if (kind == FaultKind.DUPLICATE) {
      r.delivery = Delivery.DUPLICATE;
      r.faults.add(FaultKind.DUPLICATE);
      labels.accept(FaultLabel.point(profile.id(), FaultLabel.WHOLE_DEVICE, FaultKind.DUPLICATE, at));
    } else if (kind == FaultKind.LATE) {
      long delay = Math.round(faults.lateDelay().toMillis() * (1 + 2 * uDelay));
      long p = e + delay;
      // Never late into a silence (it would break the gap's or death's label) or past the run.
      if (p < windowEnd && !plan.silenceStartsIn(e, p)) {
        r.delivery = Delivery.LATE;
        r.publishMs = p;
        r.faults.add(FaultKind.LATE);
        labels.accept(FaultLabel.point(profile.id(), FaultLabel.WHOLE_DEVICE, FaultKind.LATE, at));
      }
    } else if (kind == FaultKind.OUT_OF_ORDER) {
      r.delivery = Delivery.OUT_OF_ORDER; // settled once the next reading is known
    }
    for (int m = 0; m < v.length; m++) {
      v[m] = metrics.get(m).round(v[m]);
    }
    if (seq == 1) {
      r.before = writer.start(new DialectWriter.Sample(e, ts, seq, v, null, metric, false));
    }
    r.out = writer.write(new DialectWriter.Sample(e, ts, seq, v, bad, metric, uSign < 0.5));
    return r;
  }

  private FaultKind pointKind(double u) {
    double acc = 0;
    for (FaultKind k : FaultSettings.POINT_KINDS) {
      acc += faults.p(k);
      if (u < acc) {
        return k;
      }
    }
    return null;
  }

  private void finish() {
    finished = true;
    String id = profile.id();
    if (deadFirst >= 0) {
      labels.accept(new FaultLabel(id, FaultLabel.WHOLE_DEVICE, FaultKind.DEAD, Instant.ofEpochMilli(deadFirst), null));
    }
    for (int g = 0; g < gapFirst.length; g++) {
      if (gapFirst[g] >= 0) {
        labels.accept(span(FaultLabel.WHOLE_DEVICE, FaultKind.GAP, gapFirst[g], gapLast[g]));
      }
    }
    if (freqFirst >= 0) {
      labels.accept(span(FaultLabel.WHOLE_DEVICE, FaultKind.FREQUENCY_CHANGE, freqFirst, lastSent));
    }
    if (skewFirst >= 0) {
      labels.accept(span(FaultLabel.WHOLE_DEVICE, FaultKind.CLOCK_SKEW, skewFirst, lastSent));
    }
    for (int m = 0; m < shiftFirst.length; m++) {
      String metric = profile.metrics().get(m).name();
      if (shiftFirst[m] >= 0) {
        labels.accept(span(metric, FaultKind.LEVEL_SHIFT, shiftFirst[m], lastSent));
      }
      if (driftFirst[m] >= 0) {
        labels.accept(span(metric, FaultKind.DRIFT, driftFirst[m], lastSent));
      }
    }
  }

  private FaultLabel span(String metric, FaultKind kind, long first, long last) {
    return new FaultLabel(profile.id(), metric, kind, Instant.ofEpochMilli(first), Instant.ofEpochMilli(last));
  }

  /** Fault kinds in a stable order, for summaries and output. */
  public static List<FaultKind> sorted(Set<FaultKind> kinds) {
    return kinds.isEmpty() ? List.of() : List.copyOf(EnumSet.copyOf(kinds));
  }
}
