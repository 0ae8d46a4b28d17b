package io.vigil.bridge;

import io.vigil.bridge.internal.ConnectFailures;
import io.vigil.bridge.internal.InFlightLimiter;
import io.vigil.bridge.internal.OpsHttpServer;
import io.vigil.bridge.internal.OrderedAcks;
import io.vigil.bridge.internal.RecordFactory;
import io.vigil.bridge.internal.StatusRouter;
import io.vigil.common.VigilErrors;
import io.vigil.common.VigilException;
import io.vigil.schemas.TelemetryParser;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
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

  /** A received message and the connection it arrived on: acks for an older connection are void. */
  private record Received(MqttMessage message, int connection) {}

  private final BridgeConfig config;
  private final Clock clock;
  private final Producer<byte[], byte[]> producer;
  private final RecordFactory records;
  private final StatusRouter status;
  private final InFlightLimiter limiter;
  private final OrderedAcks<Received> acks;
  private final BridgeMetrics metrics;
  private final AtomicInteger connection = new AtomicInteger();
  // Kafka's send() may block (metadata, full buffer); Paho's callback thread must never block long.
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> daemon(r, "vigil-bridge-sender"));
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "vigil-bridge-retry"));
  private volatile MqttAsyncClient client;
  private volatile boolean closing;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.CompletableFuture<Void> subscribed = new java.util.concurrent.CompletableFuture<>();
  // Readiness: did the last Kafka send fail, and has any succeeded or been tried yet.
  private volatile boolean lastSendFailed;
  private volatile boolean anySendDone;
  private volatile java.util.concurrent.CompletableFuture<Boolean> metadataProbe;
  private volatile java.util.concurrent.CompletableFuture<Void> heartbeat;
  private volatile OpsHttpServer ops;

  public MqttKafkaBridge(BridgeConfig config) {
    this(config, Clock.systemUTC(), new KafkaProducer<>(config.producerProperties()));
  }

  MqttKafkaBridge(BridgeConfig config, Clock clock, Producer<byte[], byte[]> producer) {
    this.config = config;
    this.clock = clock;
    this.producer = producer;
    this.records = new RecordFactory(new TelemetryParser(config.parserOptions()), config.telemetryTopic(),
        config.deadLetterTopic(), config.instanceId());
    this.status = new StatusRouter(config.statusFilters(), config.statusTopicLayout(), config.statusTopic(), config.instanceId());
    this.limiter = new InFlightLimiter(config.maxInFlightMessages(), config.maxInFlightBytes());
    this.acks = new OrderedAcks<>(this::acknowledge);
    this.metrics = new BridgeMetrics(config.maxInFlightMessages(), config.maxInFlightBytes());
  }

  public BridgeMetrics metrics() {
    return metrics;
  }

  /**
   * Connects and subscribes, retrying with backoff until the broker answers. Returns once
   * subscribed; a refused login is fatal and thrown.
   */
  public void start() {
    startOpsEndpoints();
    try {
      Files.createDirectories(config.persistenceDir());
      client = new MqttAsyncClient(config.mqttUrl(), config.clientId(),
          new MqttDefaultFilePersistence(config.persistenceDir().toString()));
    } catch (IOException | MqttException e) {
      throw VigilErrors.bridgeCannotStart(config.mqttUrl(), e);
    }
    client.setManualAcks(true);
    client.setCallback(new Callback());
    MqttConnectOptions options = connectOptions();
    long backoffMs = 250;
    while (!closing) {
      try {
        client.connect(options).waitForCompletion(Duration.ofSeconds(30).toMillis());
        awaitSubscribed();
        return;
      } catch (MqttException e) {
        failIfFatal(e);
        long wait = backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
        log.warn("Cannot connect to MQTT broker {} yet ({}); retrying in {} ms", config.mqttUrl(), e.getMessage(), wait);
        sleepQuietly(wait);
        backoffMs = Math.min(backoffMs * 2, config.reconnectMaxDelay().toMillis());
      }
    }
  }

  /** Auth, trust and protocol refusals would fail the same way forever: stop and say which key to fix. */
  private void failIfFatal(MqttException e) {
    VigilException fatal = switch (ConnectFailures.classify(e)) {
      case LOGIN_REFUSED -> VigilErrors.mqttLoginRefused(config.mqttUrl(), config.username(), e);
      case REFUSED -> VigilErrors.mqttConnectRefused(config.mqttUrl(), e.getMessage(), e);
      case TLS_UNTRUSTED -> VigilErrors.mqttTlsUntrusted(config.mqttUrl(), config.tlsSettings().trustSource(), e);
      case TLS_HANDSHAKE -> VigilErrors.mqttTlsHandshakeFailed(config.mqttUrl(), config.tlsSettings().clientCertificate(), e);
      case RETRIABLE -> null;
    };
    if (fatal != null) {
      closeClientQuietly();
      throw fatal;
    }
  }

  private void closeClientQuietly() {
    try {
      client.close(true);
    } catch (MqttException closeError) {
      log.debug("Closing the MQTT client: {}", closeError.getMessage());
    }
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

  private void awaitSubscribed() {
    try {
      subscribed.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw VigilErrors.mqttSubscriptionRefused(config.mqttUrl(), String.join(",", config.filters()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VigilException("Interrupted while subscribing.", null, null, e);
    }
  }

  private MqttConnectOptions connectOptions() {
    MqttConnectOptions o = new MqttConnectOptions();
    // The broker keeps our subscription and every unacknowledged message while we are away.
    o.setCleanSession(false);
    o.setAutomaticReconnect(true);
    o.setMaxReconnectDelay((int) config.reconnectMaxDelay().toMillis());
    o.setKeepAliveInterval((int) config.keepAlive().toSeconds());
    o.setConnectionTimeout(30);
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    if (config.username() != null) {
      o.setUserName(config.username());
    }
    if (config.password() != null) {
      o.setPassword(config.password().chars());
    }
    if (config.tlsSocketFactory() != null) {
      o.setSocketFactory(config.tlsSocketFactory());
      o.setHttpsHostnameVerificationEnabled(config.tlsSettings().hostnameVerification());
    }
    return o;
  }

  private final class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      int epoch = connection.incrementAndGet();
      metrics.mqttConnected = true;
      if (reconnect) {
        metrics.reconnects.increment();
      }
      log.info("Connected to {} (connection {}); subscribing to {} and status filters {} at QoS {}", serverUri, epoch, config.filters(),
          config.statusFilters(), config.qos());
      subscribe();
    }

    @Override
    public void connectionLost(Throwable cause) {
      metrics.mqttConnected = false;
      log.warn("Lost the MQTT connection ({}); reconnecting. Unacknowledged messages will be redelivered.", String.valueOf(cause));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
      long arrival = clock.millis();
      if (closing) {
        // Shutting down: take nothing new, so the drain can finish while devices keep publishing.
        // Without a PUBACK the broker keeps the message for our next session; nothing is lost.
        return;
      }
      metrics.received.increment();
      if (message.isDuplicate()) {
        metrics.duplicatesFlagged.increment();
      }
      int size = message.getPayload().length;
      if (!limiter.tryAcquire(size)) {
        // Blocking here blocks Paho's receiver too: no PINGRESP is read, the keepalive trips, and
        // the reconnect waits for this thread (seen: minutes of stall after a 30 s Kafka outage).
        // The broker's in-flight window (Mosquitto max_inflight_messages) is what should stop
        // intake: it sends no more than that many unacknowledged messages. Keep this bound at or
        // above it; blocking stays only as the last guard of the heap.
        log.warn("In-flight bound reached ({} messages, {} bytes); MQTT intake blocks until Kafka confirms. "
            + "Set inflight.max.messages at or above the broker's max_inflight_messages to avoid keepalive timeouts.",
            limiter.messages(), limiter.bytes());
        limiter.acquire(size);
      }
      if (closing) {
        // Closed while waiting for room: as above, leave the message to the broker.
        limiter.release(size);
        return;
      }
      metrics.admitted(size);
      OrderedAcks.Slot<Received> slot = acks.arrived(new Received(message, connection.get()));
      if (status.isStatus(topic)) {
        // Status filters win over telemetry ones: a last will is not telemetry and must not be dead-lettered.
        sender.execute(() -> send(new RecordFactory.Routed(status.record(topic, message, arrival), null), true, slot, size, arrival));
      } else {
        sender.execute(() -> send(records.route(topic, message, arrival), false, slot, size, arrival));
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // The bridge never publishes to MQTT.
    }
  }

  /**
   * Subscribes without waiting: this runs on Paho's callback thread, which is the thread that would
   * deliver the SUBACK, so blocking here would deadlock.
   */
  private void subscribe() {
    java.util.List<String> all = new java.util.ArrayList<>(config.filters());
    all.addAll(config.statusFilters());
    String[] filters = all.toArray(String[]::new);
    int[] qos = new int[filters.length];
    java.util.Arrays.fill(qos, config.qos());
    try {
      client.subscribe(filters, qos, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          int[] granted = token.getGrantedQos();
          for (int i = 0; i < granted.length; i++) {
            if (granted[i] == 0x80) {
              subscribed.completeExceptionally(VigilErrors.mqttSubscriptionRefused(config.mqttUrl(), filters[Math.min(i, filters.length - 1)]));
              return;
            }
          }
          log.info("Subscribed to {}", all);
          subscribed.complete(null);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable error) {
          log.error("Subscribing to {} failed ({}); retrying on the next reconnect", all, String.valueOf(error));
        }
      });
    } catch (MqttException e) {
      log.error("Subscribing to {} failed ({}); retrying on the next reconnect", all, e.getMessage());
    }
  }

  private void send(RecordFactory.Routed routed, boolean isStatus, OrderedAcks.Slot<Received> slot, int size, long arrival) {
    ProducerRecord<byte[], byte[]> record = routed.record();
    try {
      producer.send(record, (metadata, error) -> {
        anySendDone = true;
        lastSendFailed = error != null;
        if (error == null) {
          metrics.kafkaLatency.observeMillis(clock.millis() - arrival);
          if (isStatus) {
            metrics.statusForwarded.increment();
          } else if (routed.rejection() != null) {
            metrics.deadLettered.increment();
            metrics.rejected(routed.rejection().reason().name());
          } else {
            metrics.produced.increment();
          }
          // Metrics first: released after the limiter, a waiting arrival could be counted before
          // this one is uncounted, and the gauge would read one over the bound that was never broken.
          metrics.released(size);
          limiter.release(size);
          acks.confirmed(slot);
        } else {
          retryLater(routed, isStatus, slot, size, arrival, error);
        }
      });
    } catch (RuntimeException error) {
      anySendDone = true;
      lastSendFailed = true;
      retryLater(routed, isStatus, slot, size, arrival, error);
    }
  }

  private void retryLater(RecordFactory.Routed routed, boolean isStatus, OrderedAcks.Slot<Received> slot, int size, long arrival, Throwable error) {
    metrics.sendFailures.increment();
    log.warn("Kafka did not take a record for topic {} ({}); retrying in {}. The MQTT message stays unacknowledged.",
        routed.record().topic(), error.toString(), config.sendRetryBackoff());
    if (!retries.isShutdown()) {
      retries.schedule(() -> sender.execute(() -> send(routed, isStatus, slot, size, arrival)), config.sendRetryBackoff().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void acknowledge(Received received) {
    metrics.acked.increment();
    MqttAsyncClient c = client;
    if (c == null || received.connection() != connection.get()) {
      // The broker has already queued this message for redelivery on the new connection, where its
      // packet id may now name a different message: acknowledging it here could lose that one.
      return;
    }
    try {
      c.messageArrivedComplete(received.message().getId(), received.message().getQos());
    } catch (MqttException e) {
      log.debug("Could not acknowledge message {} ({}); the broker will redeliver it", received.message().getId(), e.getMessage());
    }
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
    MqttAsyncClient c = client;
    if (c != null) {
      try {
        if (c.isConnected()) {
          c.disconnect(5_000).waitForCompletion(10_000);
        }
        c.close();
      } catch (MqttException e) {
        log.debug("MQTT disconnect: {}", e.getMessage());
      }
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

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VigilException("Interrupted while waiting.", null, null, e);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
