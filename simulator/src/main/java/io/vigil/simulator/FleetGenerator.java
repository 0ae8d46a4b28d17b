package io.vigil.simulator;

import io.vigil.simulator.internal.DevicePlan;
import io.vigil.simulator.internal.DeviceProfile;
import io.vigil.simulator.internal.DeviceStream;
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
        clock.instant(), config.history(), config.duration());
  }

  FleetGenerator(long seed, int devices, Duration interval, double jitter, String topicLayout, FaultSettings faults,
      Instant now, Duration history, Duration duration) {
    this.anchor = Instant.ofEpochMilli(now.toEpochMilli());
    this.windowStart = anchor.minus(history);
    this.windowEnd = anchor.plus(duration);
    List<DeviceProfile> ps = new ArrayList<>(devices);
    long start = windowStart.toEpochMilli();
    long end = windowEnd.toEpochMilli();
    for (int i = 0; i < devices; i++) {
      DeviceProfile p = DeviceProfile.draw(seed, i, interval.toMillis(), jitter, topicLayout);
      ps.add(p);
      DeviceStream stream = new DeviceStream(seed, p, DevicePlan.draw(seed, p, faults, start, end), faults, start, end,
          labels::add);
      if (stream.peek() != null) {
        heads.add(stream);
      }
    }
    this.profiles = List.copyOf(ps);
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
