package io.vigil.bridge;

import io.vigil.bridge.internal.ConnectionSupervisor;
import io.vigil.bridge.internal.InFlightLimiter;
import io.vigil.bridge.internal.InboundMessage;
import io.vigil.bridge.internal.LinkSettings;
import io.vigil.bridge.internal.MqttLink;
import io.vigil.bridge.internal.OpsHttpServer;
import io.vigil.bridge.internal.OrderedAcks;
import io.vigil.bridge.internal.PahoV3Link;
import io.vigil.bridge.internal.PahoV5Link;
import io.vigil.bridge.internal.RecordFactory;
import io.vigil.bridge.internal.Route;
import io.vigil.schemas.SparkplugAliasTable;
import io.vigil.schemas.SparkplugB;
import io.vigil.common.VigilErrors;
import io.vigil.common.VigilException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges MQTT topic filters into Kafka, at least once end to end: every MQTT message is
 * acknowledged to the broker only after Kafka has confirmed its record with {@code acks=all}, in
 * the order the messages arrived. Until then the broker keeps the message in the bridge's persistent
 * session, so a crash of the bridge or an outage of Kafka loses nothing; it may deliver twice.
 */
public final class MqttKafkaBridge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttKafkaBridge.class);

  /** A received message and its payload size, held until Kafka has it and its ack is sent. */
  private record Received(InboundMessage message, int size) {}

  private final BridgeConfig config;
  private final Clock clock;
  private final Producer<byte[], byte[]> producer;
  private final RecordFactory records;
  private final InFlightLimiter limiter;
  private final OrderedAcks<Received> acks;
  private final BridgeMetrics metrics;
  // Kafka's send() may block (metadata, full buffer); Paho's callback thread must never block long.
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> daemon(r, "vigil-bridge-sender"));
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "vigil-bridge-retry"));
  private volatile ConnectionSupervisor supervisor;
  private volatile boolean closing;
  private final java.util.concurrent.CompletableFuture<VigilException> fatal = new java.util.concurrent.CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  // Readiness: did the last Kafka send fail, and has any succeeded or been tried yet.
  private volatile boolean lastSendFailed;
  private volatile boolean anySendDone;
  private volatile java.util.concurrent.CompletableFuture<Boolean> metadataProbe;
  private volatile java.util.concurrent.CompletableFuture<Void> heartbeat;
  private volatile OpsHttpServer ops;
  private static final long BOUND_WARNING_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);
  private volatile long lastBoundWarning = System.nanoTime() - BOUND_WARNING_EVERY_NANOS - 1;

  public MqttKafkaBridge(BridgeConfig config) {
    this(config, Clock.systemUTC(), new KafkaProducer<>(config.producerProperties()));
  }

  MqttKafkaBridge(BridgeConfig config, Clock clock, Producer<byte[], byte[]> producer) {
    this.config = config;
    this.clock = clock;
    this.producer = producer;
    this.records = new RecordFactory(config.deadLetterTopic(), config.instanceId());
    this.records.onUnknownAlias(this::onUnknownAlias);
    this.limiter = new InFlightLimiter(config.maxInFlightMessages(), config.maxInFlightBytes());
    this.acks = new OrderedAcks<>(this::acknowledge);
    this.metrics = new BridgeMetrics(config.maxInFlightMessages(), config.maxInFlightBytes());
  }

  private final java.util.Set<String> nodesWarnedOfAliases = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Map<String, Long> lastRebirthRequest = new java.util.concurrent.ConcurrentHashMap<>();
  private static final long REBIRTH_REQUEST_EVERY_MILLIS = 60_000;

  /**
   * A Sparkplug B DATA with an alias no BIRTH defined: every DATA of that node is dead-lettered until
   * it is reborn. Warned once per edge node and bridge run; with the setting on, the node is asked for
   * a rebirth (at most once a minute, since its DATA keeps coming until the BIRTH does).
   */
  private void onUnknownAlias(SparkplugAliasTable.Lookup lookup, InboundMessage message) {
    String node = lookup.group() + "/" + lookup.edgeNode();
    String commandTopic = SparkplugB.commandTopic(lookup.group(), lookup.edgeNode());
    if (nodesWarnedOfAliases.add(node)) {
      log.warn("Sparkplug B edge node '{}' of group '{}' sends metric aliases this bridge has no BIRTH for (it started after"
          + " the BIRTH); its DATA messages go to the dead-letter topic as UNKNOWN_ALIAS until it is reborn. {}",
          lookup.edgeNode(), lookup.group(), config.sparkplugRebirth() ? "Asking it for a rebirth on " + commandTopic + "."
              : "Send NCMD " + commandTopic + " with 'Node Control/Rebirth'=true, restart the edge node, or set "
                  + BridgeConfig.SPARKPLUG_REBIRTH + "=true.");
    }
    if (!config.sparkplugRebirth()) {
      return;
    }
    long now = clock.millis();
    Long last = lastRebirthRequest.get(node);
    if (last == null || now - last >= REBIRTH_REQUEST_EVERY_MILLIS) {
      lastRebirthRequest.put(node, now);
      log.info("Requesting a Sparkplug B rebirth from edge node '{}' of group '{}' on {}", lookup.edgeNode(), lookup.group(), commandTopic);
      message.link().publish(commandTopic, SparkplugB.rebirthRequest(now), 0);
    }
  }

  public BridgeMetrics metrics() {
    return metrics;
  }

  /**
   * Connects and subscribes, retrying with backoff until the broker answers. Returns once
   * subscribed; a refused login, an untrusted certificate or a denied subscription is fatal and
   * thrown. The same failures on a later reconnect complete {@link #fatalError()}.
   */
  public void start() {
    startOpsEndpoints();
    LinkSettings.Connector connector = "5".equals(config.mqttVersion()) ? PahoV5Link::connect : PahoV3Link::connect;
    supervisor = new ConnectionSupervisor(config.linkSettings(), connector, config.routes().subscriptions(),
        config.reconnectMaxDelay(), new SupervisorEvents(), this::fatalFor,
        filter -> VigilErrors.mqttSubscriptionRefused(config.mqttUrl(), filter));
    supervisor.start();
  }

  /**
   * Completes with the error when the connection was lost and cannot come back without a
   * configuration change (the login or certificate is refused on a reconnect). Messages are safe in
   * the broker's session meanwhile; the owner should stop the bridge and report the error.
   */
  public java.util.concurrent.CompletableFuture<VigilException> fatalError() {
    return fatal;
  }

  /** Auth, trust and protocol refusals would fail the same way forever: stop and say which key to fix. */
  private VigilException fatalFor(MqttLink.LinkException e) {
    return switch (e.kind()) {
      case LOGIN_REFUSED -> VigilErrors.mqttLoginRefused(config.mqttUrl(), config.username(), e);
      case TLS_UNTRUSTED -> VigilErrors.mqttTlsUntrusted(config.mqttUrl(), config.tlsSettings().trustSource(), e);
      case TLS_HANDSHAKE -> VigilErrors.mqttTlsHandshakeFailed(config.mqttUrl(), config.tlsSettings().clientCertificate(), e);
      case REFUSED, RETRIABLE -> VigilErrors.mqttConnectRefused(config.mqttUrl(), e.getMessage(), e);
    };
  }

  /** Serves /metrics and /health/* before connecting, so a probe sees "not ready" rather than nothing. */
  private void startOpsEndpoints() {
    if (config.metricsPort() == 0) {
      return;
    }
    try {
      ops = new OpsHttpServer(new java.net.InetSocketAddress(config.metricsBindAddress(), config.metricsPort()),
          metrics::prometheus, this::liveness, this::readiness);
    } catch (IOException | RuntimeException e) {
      throw VigilErrors.metricsEndpointCannotStart(config.metricsBindAddress(), config.metricsPort(), e);
    }
  }

  /** The port /metrics is served on, or 0 when the endpoints are off. */
  public int opsPort() {
    OpsHttpServer o = ops;
    return o == null ? 0 : o.port();
  }

  /**
   * Live unless wedged: the sender thread, which every message passes through, must run a no-op
   * within 10 s. Blocking there (a Kafka send() stuck on metadata) stops all progress.
   */
  OpsHttpServer.Health liveness() {
    if (fatal.isDone()) {
      return new OpsHttpServer.Health(false, "cannot reconnect to MQTT: " + fatal.join().getMessage());
    }
    if (closed.get()) {
      // The sender is being shut down: it takes no heartbeat task any more.
      return new OpsHttpServer.Health(true, "stopping");
    }
    java.util.concurrent.CompletableFuture<Void> beat = heartbeat;
    if (beat == null || beat.isDone()) {
      beat = java.util.concurrent.CompletableFuture.runAsync(() -> { }, sender);
      heartbeat = beat;
    }
    try {
      beat.get(10, TimeUnit.SECONDS);
      return new OpsHttpServer.Health(true, "sender thread responsive");
    } catch (Exception e) {
      return new OpsHttpServer.Health(false, "sender thread has not run a task for 10 s: " + e);
    }
  }

  /**
   * Ready when connected to MQTT and Kafka takes records: the last send did not fail, or, before any
   * send, the producer can fetch the telemetry topic's metadata.
   */
  OpsHttpServer.Health readiness() {
    if (closing) {
      return new OpsHttpServer.Health(false, "shutting down");
    }
    if (!metrics.mqttConnected) {
      return new OpsHttpServer.Health(false, "not connected to MQTT broker " + config.mqttUrl());
    }
    if (anySendDone) {
      return lastSendFailed
          ? new OpsHttpServer.Health(false, "the last Kafka send failed; retrying")
          : new OpsHttpServer.Health(true, "connected; Kafka takes records");
    }
    java.util.concurrent.CompletableFuture<Boolean> probe = metadataProbe;
    if (probe == null || (probe.isDone() && !Boolean.TRUE.equals(probe.getNow(false)))) {
      // partitionsFor blocks up to max.block.ms: run it off the HTTP thread and keep a success.
      probe = java.util.concurrent.CompletableFuture.supplyAsync(() -> !producer.partitionsFor(config.telemetryTopic()).isEmpty())
          .exceptionally(e -> false);
      metadataProbe = probe;
    }
    try {
      if (probe.get(2, TimeUnit.SECONDS)) {
        return new OpsHttpServer.Health(true, "connected; Kafka metadata for " + config.telemetryTopic() + " reachable");
      }
    } catch (Exception e) {
      // falls through: not reachable within the probe's time
    }
    return new OpsHttpServer.Health(false, "Kafka metadata for " + config.telemetryTopic() + " not reachable at " + config.bootstrapServers());
  }

  private final class SupervisorEvents implements ConnectionSupervisor.Events {
    @Override
    public void connected(MqttLink link, boolean reconnect) {
      metrics.mqttConnected = true;
      if (reconnect) {
        metrics.reconnects.increment();
      }
    }

    @Override
    public void disconnected(Throwable cause) {
      metrics.mqttConnected = false;
      if (!closing) {
        log.warn("Lost the MQTT connection ({}); reconnecting. Unacknowledged messages will be redelivered.", String.valueOf(cause));
      }
    }

    @Override
    public void fatal(VigilException error) {
      log.error("The MQTT connection cannot be restored: {}", error.getMessage());
      fatal.complete(error);
    }

    @Override
    public void messageArrived(InboundMessage message) throws InterruptedException {
      long arrival = clock.millis();
      if (closing) {
        // Shutting down: take nothing new, so the drain can finish while devices keep publishing.
        // Without a PUBACK the broker keeps the message for our next session; nothing is lost.
        return;
      }
      metrics.received.increment();
      if (message.duplicate()) {
        metrics.duplicatesFlagged.increment();
      }
      int size = message.payload().length;
      if (!limiter.tryAcquire(size)) {
        // Blocking here blocks the MQTT client's receiver too: no PINGRESP is read, and a long
        // Kafka outage ends in a keepalive timeout and a reconnect (nothing is lost: the broker
        // redelivers). With MQTT 5 the broker's Receive Maximum should stop intake first; Mosquitto
        // 2.0 does not keep to its max_inflight_messages for 3.1.1 clients once acks flow (seen
        // here: 98k unacknowledged with a limit of 1000), so this bound is the one that holds.
        metrics.intakeBlocked.increment();
        long now = System.nanoTime();
        if (now - lastBoundWarning > BOUND_WARNING_EVERY_NANOS) {
          // Once per episode, not once per message: at the bound every arrival would log.
          lastBoundWarning = now;
          log.warn("In-flight bound reached ({} messages, {} bytes); MQTT intake waits until Kafka confirms ({} times so far; "
              + "logged at most every 30 s).", limiter.messages(), limiter.bytes(), metrics.intakeBlocked());
        }
        limiter.acquire(size);
      }
      if (closing) {
        // Closed while waiting for room: as above, leave the message to the broker.
        limiter.release(size);
        return;
      }
      metrics.admitted(size);
      OrderedAcks.Slot<Received> slot = acks.arrived(new Received(message, size));
      Route route = config.routes().of(message.topic());
      sender.execute(() -> send(records.route(route, message, arrival), route.format() == Route.Format.RAW, slot, arrival));
    }
  }

  private void send(RecordFactory.Routed routed, boolean isRaw, OrderedAcks.Slot<Received> slot, long arrival) {
    ProducerRecord<byte[], byte[]> record = routed.record();
    try {
      producer.send(record, (metadata, error) -> {
        anySendDone = true;
        lastSendFailed = error != null;
        if (error == null) {
          metrics.kafkaLatency.observeMillis(clock.millis() - arrival);
          if (isRaw) {
            metrics.statusForwarded.increment();
          } else if (routed.rejection() != null) {
            metrics.deadLettered.increment();
            metrics.rejected(routed.rejection().reason().name());
          } else {
            metrics.produced.increment();
            metrics.producedOn(routed.route());
            if (metrics.producedAs(routed.dialect())) {
              log.info("First {} message landed (topic {}, device {}); vigil_bridge_messages_by_dialect_total counts them",
                  routed.dialect(), routed.mqttTopic(), routed.deviceKey());
            }
          }
          acks.confirmed(slot);
        } else {
          retryLater(routed, isRaw, slot, arrival, error);
        }
      });
    } catch (RuntimeException error) {
      anySendDone = true;
      lastSendFailed = true;
      retryLater(routed, isRaw, slot, arrival, error);
    }
  }

  private void retryLater(RecordFactory.Routed routed, boolean isRaw, OrderedAcks.Slot<Received> slot, long arrival, Throwable error) {
    metrics.sendFailures.increment();
    log.warn("Kafka did not take a record for topic {} ({}); retrying in {}. The MQTT message stays unacknowledged.",
        routed.record().topic(), error.toString(), config.sendRetryBackoff());
    if (!retries.isShutdown()) {
      retries.schedule(() -> sender.execute(() -> send(routed, isRaw, slot, arrival)), config.sendRetryBackoff().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Called in arrival order once Kafka holds the message and every earlier one. Room in the bound is
   * given back only now, not at Kafka's confirmation: the bound then counts what the broker sees as
   * unacknowledged, which keeps it below the 65535 packet ids even when one slow record holds up
   * the acks of many confirmed ones behind it.
   */
  private void acknowledge(Received received) {
    metrics.acked.increment();
    // Metrics first: released after the limiter, a waiting arrival could be counted before this one
    // is uncounted, and the gauge would read one over the bound that was never broken.
    metrics.released(received.size());
    limiter.release(received.size());
    // On a link that is gone this does nothing: the broker redelivers the message on the new one.
    received.message().acknowledge();
  }

  /** Stops taking work, lets in-flight messages reach Kafka and be acknowledged, then disconnects. */
  @Override
  public void close() {
    // Idempotent: SIGTERM's handler and the JVM's shutdown hook may both call it.
    if (closed.getAndSet(true)) {
      return;
    }
    closing = true;
    producer.flush();
    try {
      if (!acks.awaitDrained(config.shutdownTimeout())) {
        log.warn("{} messages were still in flight at shutdown; the broker will redeliver them", acks.pending());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ConnectionSupervisor sup = supervisor;
    if (sup != null) {
      sup.close();
    }
    retries.shutdownNow();
    sender.shutdown();
    producer.close(Duration.ofSeconds(10));
    metrics.mqttConnected = false;
    OpsHttpServer o = ops;
    if (o != null) {
      o.close();
    }
    log.info("Bridge stopped: {}", metrics);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
