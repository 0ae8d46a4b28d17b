package io.vigil.bridge.internal;

import io.vigil.common.VigilException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the bridge connected and subscribed: connects with backoff and jitter, on the first attempt
 * and after every lost connection, and subscribes each new connection. Failures retrying cannot fix
 * (login refused, untrusted certificate, subscription denied) end it instead, also on a reconnect:
 * a password rotated on the broker but not in the bridge must stop the bridge with a message, not
 * loop in silence. Paho's own automatic reconnect is not used because it reports none of that.
 */
public final class ConnectionSupervisor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectionSupervisor.class);
  private static final long FIRST_BACKOFF_MS = 250;
  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(30);

  /** What the supervisor tells its owner. */
  public interface Events {
    void messageArrived(InboundMessage message) throws InterruptedException;

    void connected(MqttLink link, boolean reconnect);

    void disconnected(Throwable cause);

    /** The connection cannot be restored without a configuration change; the owner should stop. */
    void fatal(VigilException error);
  }

  private final LinkSettings settings;
  private final LinkSettings.Connector connector;
  private final List<MqttLink.Subscription> subscriptions;
  private final Duration maxBackoff;
  private final Events events;
  private final Function<MqttLink.LinkException, VigilException> describeFatal;
  private final Function<String, VigilException> subscriptionRefused;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vigil-bridge-mqtt-connect");
    t.setDaemon(true);
    return t;
  });
  private final MqttLink.Listener listener = new MqttLink.Listener() {
    @Override
    public void messageArrived(InboundMessage message) throws InterruptedException {
      events.messageArrived(message);
    }

    @Override
    public void connectionLost(MqttLink link, Throwable cause) {
      onLost(link, cause);
    }
  };
  private volatile MqttLink current;
  private volatile boolean closing;
  // True while the worker is connecting: a loss seen then is the worker's to handle, not a new task's.
  private volatile boolean connecting;
  private boolean everConnected;

  public ConnectionSupervisor(LinkSettings settings, LinkSettings.Connector connector, List<MqttLink.Subscription> subscriptions,
      Duration maxBackoff, Events events, Function<MqttLink.LinkException, VigilException> describeFatal,
      Function<String, VigilException> subscriptionRefused) {
    this.settings = settings;
    this.connector = connector;
    this.subscriptions = List.copyOf(subscriptions);
    this.maxBackoff = maxBackoff;
    this.events = events;
    this.describeFatal = describeFatal;
    this.subscriptionRefused = subscriptionRefused;
  }

  /** Connects and subscribes, retrying until it works; a fatal failure is thrown. */
  public void start() {
    CompletableFuture<Void> done = CompletableFuture.runAsync(this::connectUntilSubscribed, worker);
    try {
      done.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /** The live link, or null between connections. */
  public MqttLink current() {
    return current;
  }

  private void onLost(MqttLink link, Throwable cause) {
    if (link != current) {
      return;
    }
    current = null;
    events.disconnected(cause);
    if (closing || connecting) {
      return;
    }
    // Not on the client's own callback thread: closing the old client from there would deadlock.
    worker.execute(() -> {
      link.close(Duration.ZERO);
      try {
        connectUntilSubscribed();
      } catch (VigilException fatal) {
        events.fatal(fatal);
      }
    });
  }

  private void connectUntilSubscribed() {
    connecting = true;
    try {
      while (true) {
        connectLoop();
        connecting = false;
        // A loss between subscribing and here found us connecting and left the reconnect to us.
        if (current != null || closing) {
          return;
        }
        connecting = true;
      }
    } finally {
      connecting = false;
    }
  }

  private void connectLoop() {
    long backoffMs = FIRST_BACKOFF_MS;
    boolean firstAttempt = true;
    while (!closing) {
      if (!firstAttempt || everConnected) {
        long wait = backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
        if (!sleep(wait)) {
          return;
        }
        backoffMs = Math.min(backoffMs * 2, Math.max(FIRST_BACKOFF_MS, maxBackoff.toMillis()));
      }
      firstAttempt = false;
      MqttLink link;
      try {
        link = connector.connect(settings, listener);
      } catch (MqttLink.LinkException e) {
        if (e.kind() != ConnectFailures.Kind.RETRIABLE) {
          throw describeFatal.apply(e);
        }
        log.warn("Cannot connect to the MQTT broker {} ({}); retrying with backoff", settings.url(), e.getMessage());
        continue;
      }
      if (closing) {
        link.close(Duration.ofSeconds(5));
        return;
      }
      current = link;
      try {
        int[] granted = link.subscribe(subscriptions, SUBSCRIBE_TIMEOUT);
        for (int i = 0; i < subscriptions.size(); i++) {
          if (granted == null || i >= granted.length || granted[i] >= 0x80) {
            current = null;
            link.close(Duration.ofSeconds(5));
            throw subscriptionRefused.apply(subscriptions.get(i).filter());
          }
        }
      } catch (MqttLink.LinkException e) {
        log.warn("Subscribing on {} failed ({}); reconnecting", settings.url(), e.getMessage());
        current = null;
        link.close(Duration.ZERO);
        continue;
      }
      boolean reconnect = everConnected;
      everConnected = true;
      log.info("Connected to {} over MQTT {} and subscribed to {}", settings.url(), link.protocol(), subscriptions);
      events.connected(link, reconnect);
      return;
    }
  }

  private boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return !closing;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Disconnects cleanly and stops reconnecting. */
  @Override
  public void close() {
    closing = true;
    worker.shutdownNow();
    MqttLink link = current;
    current = null;
    if (link != null) {
      link.close(Duration.ofSeconds(5));
    }
  }
}
