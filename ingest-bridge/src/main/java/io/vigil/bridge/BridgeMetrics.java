package io.vigil.bridge;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of what the bridge did. Thread-safe; read with {@link #snapshot()}. */
public final class BridgeMetrics {
  final LongAdder received = new LongAdder();
  final LongAdder produced = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
  final LongAdder statusForwarded = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder sendFailures = new LongAdder();
  final LongAdder duplicatesFlagged = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final AtomicLong inFlight = new AtomicLong();
  final Map<String, LongAdder> rejectedByReason = new ConcurrentHashMap<>();

  void rejected(String reason) {
    rejectedByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  public long received() { return received.sum(); }
  public long produced() { return produced.sum(); }
  public long deadLettered() { return deadLettered.sum(); }
  public long statusForwarded() { return statusForwarded.sum(); }
  public long acked() { return acked.sum(); }
  public long sendFailures() { return sendFailures.sum(); }
  public long reconnects() { return reconnects.sum(); }
  public long inFlight() { return inFlight.get(); }

  public Map<String, Long> rejectedByReason() {
    Map<String, Long> out = new TreeMap<>();
    rejectedByReason.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    out.put("received", received());
    out.put("produced", produced());
    out.put("dead_lettered", deadLettered());
    out.put("status_forwarded", statusForwarded());
    out.put("acked", acked());
    out.put("send_failures", sendFailures());
    out.put("mqtt_duplicates_flagged", duplicatesFlagged.sum());
    out.put("reconnects", reconnects());
    out.put("in_flight", inFlight());
    return out;
  }

  @Override
  public String toString() {
    return snapshot() + " rejected=" + rejectedByReason();
  }
}
