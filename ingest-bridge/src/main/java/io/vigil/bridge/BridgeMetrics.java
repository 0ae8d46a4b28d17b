package io.vigil.bridge;

import io.vigil.bridge.internal.LatencyHistogram;
import io.vigil.bridge.internal.PrometheusText;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of what the bridge did. Thread-safe; read with {@link #snapshot()} or {@link #prometheus()}. */
public final class BridgeMetrics {
  final LongAdder received = new LongAdder();
  final LongAdder produced = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
  final LongAdder statusForwarded = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder sendFailures = new LongAdder();
  final LongAdder duplicatesFlagged = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder intakeBlocked = new LongAdder();
  final AtomicLong inFlight = new AtomicLong();
  final AtomicLong inFlightBytes = new AtomicLong();
  final AtomicLong inFlightPeak = new AtomicLong();
  final Map<String, LongAdder> rejectedByReason = new ConcurrentHashMap<>();
  final Map<String, LongAdder> producedByDialect = new ConcurrentHashMap<>();
  final Map<String, LongAdder> producedByRoute = new ConcurrentHashMap<>();
  final LatencyHistogram kafkaLatency = new LatencyHistogram();
  volatile boolean mqttConnected;
  private final long maxInFlightMessages;
  private final long maxInFlightBytes;

  public BridgeMetrics() {
    this(0, 0);
  }

  BridgeMetrics(long maxInFlightMessages, long maxInFlightBytes) {
    this.maxInFlightMessages = maxInFlightMessages;
    this.maxInFlightBytes = maxInFlightBytes;
  }

  /** Counts a telemetry message Kafka took, by the payload family (preset) that read it; true the first time that family is seen. */
  boolean producedAs(String dialect) {
    if (dialect == null) {
      return false;
    }
    LongAdder count = producedByDialect.get(dialect);
    boolean first = false;
    if (count == null) {
      LongAdder fresh = new LongAdder();
      count = producedByDialect.putIfAbsent(dialect, fresh);
      first = count == null;
      count = first ? fresh : count;
    }
    count.increment();
    return first;
  }

  /**
   * Counts a telemetry message Kafka took, by the route that took it: two routes may read with one
   * preset (Shelly's status topics and its RPC notifications).
   */
  void producedOn(String route) {
    producedByRoute.computeIfAbsent(route, r -> new LongAdder()).increment();
  }

  public Map<String, Long> producedByRoute() {
    Map<String, Long> out = new TreeMap<>();
    producedByRoute.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public Map<String, Long> producedByDialect() {
    Map<String, Long> out = new TreeMap<>();
    producedByDialect.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  void rejected(String reason) {
    rejectedByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Counts a message taken in; remembers the highest in-flight count ever seen. */
  void admitted(int bytes) {
    long now = inFlight.incrementAndGet();
    inFlightBytes.addAndGet(bytes);
    inFlightPeak.accumulateAndGet(now, Math::max);
  }

  void released(int bytes) {
    inFlight.decrementAndGet();
    inFlightBytes.addAndGet(-bytes);
  }

  public long received() { return received.sum(); }
  public long produced() { return produced.sum(); }
  public long deadLettered() { return deadLettered.sum(); }
  public long statusForwarded() { return statusForwarded.sum(); }
  public long acked() { return acked.sum(); }
  public long sendFailures() { return sendFailures.sum(); }
  public long reconnects() { return reconnects.sum(); }
  public long intakeBlocked() { return intakeBlocked.sum(); }
  public long inFlight() { return inFlight.get(); }
  public long inFlightPeak() { return inFlightPeak.get(); }
  public boolean mqttConnected() { return mqttConnected; }

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
    out.put("in_flight_peak", inFlightPeak());
    out.put("intake_blocked", intakeBlocked());
    return out;
  }

  /** Every metric in the Prometheus text format 0.0.4, as served on /metrics. */
  public String prometheus() {
    PrometheusText t = new PrometheusText();
    counter(t, "vigil_bridge_messages_received_total", "MQTT messages taken in (redeliveries included).", received());
    counter(t, "vigil_bridge_messages_produced_total", "Messages Kafka confirmed (acks=all) on the telemetry topic.", produced());
    t.family("vigil_bridge_messages_by_dialect_total", "counter",
        "Telemetry messages Kafka confirmed on the telemetry topic, by the payload family (route preset) that read them.");
    producedByDialect().forEach((dialect, n) -> t.sample("vigil_bridge_messages_by_dialect_total", Map.of("dialect", dialect), n));
    t.family("vigil_bridge_messages_by_route_total", "counter",
        "Telemetry messages Kafka confirmed on the telemetry topic, by the route that took them.");
    producedByRoute().forEach((route, n) -> t.sample("vigil_bridge_messages_by_route_total", Map.of("route", route), n));
    t.family("vigil_bridge_messages_dead_lettered_total", "counter",
        "Messages Kafka confirmed on the dead-letter topic, by the edge check that refused them.");
    rejectedByReason().forEach((reason, n) -> t.sample("vigil_bridge_messages_dead_lettered_total", Map.of("reason", reason), n));
    counter(t, "vigil_bridge_messages_acked_total", "MQTT messages done: held by Kafka, PUBACK sent (or left to redelivery after a reconnect).", acked());
    counter(t, "vigil_bridge_send_failures_total", "Kafka sends that failed and were scheduled for retry.", sendFailures());
    counter(t, "vigil_bridge_mqtt_duplicates_flagged_total", "MQTT messages that arrived with the DUP flag (redeliveries).", duplicatesFlagged.sum());
    counter(t, "vigil_bridge_mqtt_reconnects_total", "Reconnects to the MQTT broker after a lost connection.", reconnects());
    counter(t, "vigil_bridge_intake_blocked_total",
        "Messages that found the in-flight bound reached and waited for room (MQTT intake paused meanwhile).", intakeBlocked());
    gauge(t, "vigil_bridge_mqtt_connected", "1 while connected to the MQTT broker, else 0.", mqttConnected ? 1 : 0);
    gauge(t, "vigil_bridge_inflight_messages", "Messages received but not yet acknowledged.", inFlight());
    gauge(t, "vigil_bridge_inflight_bytes", "Payload bytes received but not yet acknowledged.", inFlightBytes.get());
    gauge(t, "vigil_bridge_inflight_messages_peak", "Highest vigil_bridge_inflight_messages since start.", inFlightPeak());
    gauge(t, "vigil_bridge_inflight_max_messages", "Configured bound on in-flight messages (inflight.max.messages).", maxInFlightMessages);
    gauge(t, "vigil_bridge_inflight_max_bytes", "Configured bound on in-flight payload bytes (inflight.max.bytes).", maxInFlightBytes);
    t.histogram("vigil_bridge_kafka_latency_seconds", "Time from MQTT arrival to Kafka confirmation.", kafkaLatency);
    t.family("vigil_bridge_kafka_latency_recent_seconds", "summary",
        "Time from MQTT arrival to Kafka confirmation over the last 2048 messages.");
    t.sample("vigil_bridge_kafka_latency_recent_seconds", Map.of("quantile", "0.5"), kafkaLatency.recentQuantileSeconds(0.5));
    t.sample("vigil_bridge_kafka_latency_recent_seconds", Map.of("quantile", "0.99"), kafkaLatency.recentQuantileSeconds(0.99));
    t.sample("vigil_bridge_kafka_latency_recent_seconds_sum", kafkaLatency.sumSeconds());
    t.sample("vigil_bridge_kafka_latency_recent_seconds_count", kafkaLatency.count());
    return t.toString();
  }

  private static void counter(PrometheusText t, String name, String help, long value) {
    t.family(name, "counter", help).sample(name, value);
  }

  private static void gauge(PrometheusText t, String name, String help, long value) {
    t.family(name, "gauge", help).sample(name, value);
  }

  @Override
  public String toString() {
    return snapshot() + " rejected=" + rejectedByReason();
  }
}
