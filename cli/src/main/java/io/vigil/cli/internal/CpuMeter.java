package io.vigil.cli.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time used by this JVM and by the servers it names, between two readings. Unlike msg/s, CPU per
 * message hardly moves when other work shares the machine, so it shows whether a change made a
 * contender cheaper even when throughput figures are noisy.
 */
final class CpuMeter {
  static final String THIS_JVM = "bench JVM";

  private final Map<String, Long> pids;

  /** @param serverPids the servers to meter by name (Kafka, Mosquitto), besides this JVM */
  CpuMeter(Map<String, Long> serverPids) {
    this.pids = new LinkedHashMap<>(serverPids);
  }

  /** CPU used so far, in nanoseconds, by name; a process that cannot be read counts 0. */
  Map<String, Long> read() {
    Map<String, Long> now = new LinkedHashMap<>();
    now.put(THIS_JVM, ownCpuNanos());
    pids.forEach((name, pid) -> now.put(name, ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L)));
    return now;
  }

  /** Milliseconds of CPU per 1,000 messages between two readings, by name. */
  static Map<String, Double> perThousand(Map<String, Long> before, Map<String, Long> after, long messages) {
    Map<String, Double> out = new LinkedHashMap<>();
    after.forEach((name, nanos) -> out.put(name,
        messages == 0 ? Double.NaN : (nanos - before.getOrDefault(name, 0L)) / 1e6 / messages * 1000));
    return out;
  }

  static long ownCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
