package io.vigil.simulator.internal;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.Password;
import io.vigil.simulator.MessageSink;
import io.vigil.simulator.SimulatedMessage;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes over MQTT with the Paho async client. A semaphore bounds the messages awaiting the
 * broker's acknowledgement; the session is persistent (clean session off, in-memory store) and
 * reconnects automatically, so in-flight QoS 1/2 messages are resent after a dropped connection
 * and messages sent while disconnected are buffered. {@link #flush()} waits for every
 * acknowledgement, so nothing is lost when the run ends.
 */
public final class MqttSink implements MessageSink {
  private static final Logger LOG = LoggerFactory.getLogger(MqttSink.class);
  private static final long RETRY_PAUSE_MS = 20;

  private final String url;
  private final int qos;
  private final int window;
  private final Duration drainTimeout;
  private final MqttAsyncClient client;
  private final Semaphore inflight;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final IMqttActionListener listener = new IMqttActionListener() {
    @Override
    public void onSuccess(IMqttToken token) {
      delivered.incrementAndGet();
      inflight.release();
    }

    @Override
    public void onFailure(IMqttToken token, Throwable e) {
      LOG.warn("MQTT delivery failed: {}", e == null ? "unknown" : e.getMessage());
      failed.incrementAndGet();
      inflight.release();
    }
  };

  public MqttSink(String url, String clientId, int qos, int window, Duration connectTimeout, Duration drainTimeout,
      String username, Password password) {
    this.url = url;
    this.qos = qos;
    this.window = window;
    this.drainTimeout = drainTimeout;
    this.inflight = new Semaphore(window);
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(false);
    options.setAutomaticReconnect(true);
    options.setMaxInflight(window);
    options.setConnectionTimeout((int) Math.max(1, connectTimeout.toSeconds()));
    options.setKeepAliveInterval(30);
    if (username != null) {
      options.setUserName(username);
    }
    if (password != null) {
      options.setPassword(password.chars());
    }
    try {
      client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
    } catch (MqttException | IllegalArgumentException e) {
      throw VigilErrors.mqttConnectFailed(url, e);
    }
    try {
      DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
      buffer.setBufferEnabled(true);
      buffer.setBufferSize(window);
      buffer.setPersistBuffer(false);
      buffer.setDeleteOldestMessages(false);
      client.setBufferOpts(buffer);
      client.connect(options).waitForCompletion(connectTimeout.toMillis());
      if (!client.isConnected()) {
        throw new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT);
      }
    } catch (MqttException e) {
      closeQuietly();
      throw VigilErrors.mqttConnectFailed(url, e);
    }
    LOG.info("Connected to {} as {} (QoS {}, window {})", url, clientId, qos, window);
  }

  @Override
  public void send(SimulatedMessage m) {
    try {
      inflight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed.incrementAndGet();
      return;
    }
    MqttMessage message = new MqttMessage(m.payload());
    message.setQos(qos);
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    while (true) {
      try {
        client.publish(m.topic(), message, null, listener);
        return;
      } catch (MqttException e) {
        if (!transientFailure(e) || System.nanoTime() > deadline) {
          LOG.warn("Cannot publish to {}: {}", m.topic(), e.getMessage());
          failed.incrementAndGet();
          inflight.release();
          return;
        }
        try {
          Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          failed.incrementAndGet();
          inflight.release();
          return;
        }
      }
    }
  }

  /** Conditions that clear by themselves: a full window or buffer, a reconnect in progress. */
  private static boolean transientFailure(MqttException e) {
    int code = e.getReasonCode();
    return code == MqttException.REASON_CODE_MAX_INFLIGHT || code == MqttException.REASON_CODE_DISCONNECTED_BUFFER_FULL
        || code == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED || code == MqttException.REASON_CODE_CONNECTION_LOST
        || code == MqttException.REASON_CODE_CLIENT_DISCONNECTING;
  }

  @Override
  public void flush() {
    try {
      if (inflight.tryAcquire(window, drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        inflight.release(window);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long missing = window - inflight.availablePermits();
    LOG.error("{}", VigilErrors.mqttDeliveryIncomplete(url, missing, drainTimeout).getMessage());
  }

  /** Messages not yet acknowledged. */
  public long pending() {
    return window - inflight.availablePermits();
  }

  @Override
  public long delivered() {
    return delivered.get();
  }

  /** Failed deliveries, including any still unacknowledged (after {@link #flush()} they are lost). */
  @Override
  public long failed() {
    return failed.get();
  }

  private boolean closed;

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    flush();
    long lost = pending();
    if (lost > 0) {
      failed.addAndGet(lost);
    }
    try {
      client.disconnect(drainTimeout.toMillis()).waitForCompletion(drainTimeout.toMillis());
    } catch (MqttException e) {
      LOG.debug("Disconnect from {} did not complete cleanly: {}", url, e.getMessage());
    }
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      client.close(true);
    } catch (MqttException e) {
      LOG.debug("Closing the MQTT client failed: {}", e.getMessage());
    }
  }
}
