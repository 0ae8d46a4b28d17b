package io.vigil.simulator;

import io.vigil.simulator.internal.DevicePlan;
import io.vigil.simulator.internal.DeviceProfile;
import io.vigil.simulator.internal.DeviceStream;
import io.vigil.simulator.internal.DialectWriters;
import io.vigil.simulator.internal.Seeds;
import io.vigil.simulator.internal.FaultSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The pure generator: settings + seed + clock in, the fleet's messages in publish order out (lazily,
 * so a week of history does not sit in memory), plus the ground-truth labels of every injected fault.
 *
 * <p>The window is [now - history, now + duration), with now read once from the clock. Equal seed,
 * settings and clock instant give byte-identical messages and labels; each device draws from its
 * own random streams, so adding devices leaves the existing ones unchanged.
 *
 * <p>{@link #labels()} is complete once the iterator is exhausted (lasting faults are closed when their
 * device's stream ends). Not thread-safe.
 */
public final class FleetGenerator implements Iterator<SimulatedMessage> {
  private final Instant anchor;
  private final Instant windowStart;
  private final Instant windowEnd;
  private final List<DeviceProfile> profiles;
  private final List<FaultLabel> labels = new ArrayList<>();
  private final PriorityQueue<DeviceStream> heads = new PriorityQueue<>(Comparator
      .comparing((DeviceStream d) -> d.peek().publishTime()).thenComparingInt(d -> d.profile().index()));

  public FleetGenerator(SimulatorConfig config, Clock clock) {
    this(config.seed(), config.devices(), config.interval(), config.jitter(), config.topicLayout(), config.faults(),
        clock.instant(), config.history(), config.duration(), config.dialects(),
        new DialectWriters.Options(config.tasmotaZone()));
  }

  FleetGenerator(long seed, int devices, Duration interval, double jitter, String topicLayout, FaultSettings faults,
      Instant now, Duration history, Duration duration) {
    this(seed, devices, interval, jitter, topicLayout, faults, now, history, duration, List.of(Dialect.VIGIL),
        DialectWriters.Options.DEFAULT);
  }

  /**
   * A device whose dialect carries no timestamp starts at the anchor: its history could never be
   * published as history (the consumer would stamp it with its arrival), so it has none.
   */
  FleetGenerator(long seed, int devices, Duration interval, double jitter, String topicLayout, FaultSettings faults,
      Instant now, Duration history, Duration duration, List<Dialect> dialects, DialectWriters.Options options) {
    this.anchor = Instant.ofEpochMilli(now.toEpochMilli());
    this.windowStart = anchor.minus(history);
    this.windowEnd = anchor.plus(duration);
    List<DeviceProfile> ps = new ArrayList<>(devices);
    long end = windowEnd.toEpochMilli();
    for (int i = 0; i < devices; i++) {
      Dialect dialect = assign(dialects, seed, i);
      DeviceProfile p = DeviceProfile.draw(seed, i, interval.toMillis(), jitter, topicLayout, dialect);
      ps.add(p);
      long start = dialect.carriesTime() ? windowStart.toEpochMilli() : anchor.toEpochMilli();
      if (start >= end) {
        continue;
      }
      DeviceStream stream = new DeviceStream(seed, p, DevicePlan.draw(seed, p, faults, start, end), faults, start, end,
          labels::add, options);
      if (stream.peek() != null) {
        heads.add(stream);
      }
    }
    this.profiles = List.copyOf(ps);
  }

  /** A device's dialect: the only one, or drawn from its own stream so adding devices leaves the others alone. */
  private static Dialect assign(List<Dialect> dialects, long seed, int index) {
    if (dialects.size() == 1) {
      return dialects.get(0);
    }
    return dialects.get(Seeds.stream(seed, index, Seeds.DIALECT).nextInt(dialects.size()));
  }

  /** The dialect one device speaks. */
  public Dialect dialectOf(String deviceId) {
    return profile(deviceId).dialect();
  }

  /** The topic of one device's readings (for scalar dialects, the filter matching all of them). */
  public String topicOf(String deviceId) {
    return profile(deviceId).topic();
  }

  private DeviceProfile profile(String deviceId) {
    return profiles.stream().filter(p -> p.id().equals(deviceId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no device " + deviceId));
  }

  /** The instant the run is anchored at: history ends and real time starts here. */
  public Instant anchor() {
    return anchor;
  }

  public Instant windowStart() {
    return windowStart;
  }

  public Instant windowEnd() {
    return windowEnd;
  }

  public List<String> deviceIds() {
    return profiles.stream().map(DeviceProfile::id).toList();
  }

  /** The metric names of one device, in payload order. */
  public List<String> metricsOf(String deviceId) {
    return profiles.stream().filter(p -> p.id().equals(deviceId)).findFirst()
        .map(p -> p.metrics().stream().map(m -> m.name()).toList())
        .orElseThrow(() -> new IllegalArgumentException("no device " + deviceId));
  }

  /** Reporting interval of one device before any frequency change. */
  public Duration intervalOf(String deviceId) {
    return profiles.stream().filter(p -> p.id().equals(deviceId)).findFirst()
        .map(p -> Duration.ofMillis(p.intervalMs()))
        .orElseThrow(() -> new IllegalArgumentException("no device " + deviceId));
  }

  @Override
  public boolean hasNext() {
    return !heads.isEmpty();
  }

  @Override
  public SimulatedMessage next() {
    DeviceStream d = heads.poll();
    if (d == null) {
      throw new NoSuchElementException();
    }
    SimulatedMessage m = d.poll();
    if (d.peek() != null) {
      heads.add(d);
    }
    return m;
  }

  /** The remaining messages as a sequential stream. */
  public Stream<SimulatedMessage> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /** Labels so far, in file order; all of them once {@link #hasNext()} is false. */
  public List<FaultLabel> labels() {
    List<FaultLabel> out = new ArrayList<>(labels);
    out.sort(FaultLabel.ORDER);
    return out;
  }

  /** Whether every message has been generated, so {@link #labels()} is final. */
  public boolean done() {
    return heads.isEmpty();
  }
}
