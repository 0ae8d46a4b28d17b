package io.vigil.testsupport;

import io.vigil.stack.MosquittoBroker;
import io.vigil.stack.MosquittoOptions;
import java.nio.file.Path;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Mosquitto on a free loopback port in a temp directory, with the stack's no-drop
 * configuration (unlimited queues for persistent sessions, persistence on disk):
 *
 * <pre>{@code @RegisterExtension static final MosquittoExtension mqtt = new MosquittoExtension();}</pre>
 *
 * Fails (never skips) when the mosquitto binary is missing: {@code apt-get install mosquitto}.
 *
 * <p>{@code new MosquittoExtension(options)} adds a TLS listener ({@link #tlsUrl()}; port 0 picks a
 * free one) and/or users with passwords; the plain listener ({@link #url()}) stays, so publishers in
 * a test need no TLS (they need a user when the options have users).
 */
public final class MosquittoExtension implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private final MosquittoOptions options;
  private MosquittoBroker broker;

  public MosquittoExtension() {
    this(MosquittoOptions.defaults());
  }

  public MosquittoExtension(MosquittoOptions options) {
    this.options = options;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (!MosquittoBroker.isInstalled()) {
      throw MosquittoBroker.notInstalled();
    }
    // A free port can be taken by another process between our probe and Mosquitto's bind, and then
    // Mosquitto exits at once: try again on fresh ports, keeping each failed attempt's log in the error.
    io.vigil.common.VigilException failure = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      dir = TempDirs.create("vigil-mosquitto-");
      MosquittoOptions effective = options;
      if (options.tls() != null && options.tls().port() == 0) {
        effective = options.withTls(options.tls().withPort(FreePorts.next()));
      }
      broker = new MosquittoBroker(dir, FreePorts.next(), effective);
      ServerCleanup.register(broker);
      try {
        broker.start();
        return;
      } catch (io.vigil.common.VigilException e) {
        String log = readQuietly(broker.logFile()) + readQuietly(dir.resolve("console.log"));
        java.util.logging.Logger.getLogger(MosquittoExtension.class.getName())
            .warning("Mosquitto start attempt " + attempt + " failed: " + e.getMessage() + "\n" + log);
        broker.stop();
        ServerCleanup.unregister(broker);
        TempDirs.deleteRecursively(dir);
        e.addSuppressed(new IllegalStateException("Mosquitto output:\n" + log));
        if (failure != null) {
          e.addSuppressed(failure);
        }
        failure = e;
      }
    }
    throw failure;
  }

  private static String readQuietly(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (broker != null) {
        broker.stop();
        ServerCleanup.unregister(broker);
      }
    } finally {
      TempDirs.deleteRecursively(dir);
    }
  }

  private MosquittoBroker started() {
    if (broker == null) {
      throw new IllegalStateException("MosquittoExtension is not started: register it as a static @RegisterExtension field");
    }
    return broker;
  }

  /** e.g. {@code tcp://127.0.0.1:34567}. */
  public String url() {
    return started().url();
  }

  /** The TLS listener, e.g. {@code ssl://127.0.0.1:34568}; only with options that have one. */
  public String tlsUrl() {
    return started().tlsUrl();
  }

  public int port() {
    return started().port();
  }

  public MosquittoBroker broker() {
    return started();
  }

  /** Stops and starts Mosquitto on the same port; persistent sessions and queued messages survive. */
  public void restart() {
    started().restart();
  }

  public void stop() {
    started().stop();
  }

  /**
   * Stops Mosquitto and starts it on the same port and data directory with other options (another
   * user's password, say): sessions and queued messages survive, as in a real broker reconfiguration.
   */
  public void restartWith(MosquittoOptions newOptions) {
    MosquittoBroker old = started();
    old.stop();
    ServerCleanup.unregister(old);
    MosquittoOptions effective = newOptions;
    if (newOptions.tls() != null && newOptions.tls().port() == 0 && old.options().tls() != null) {
      effective = newOptions.withTls(newOptions.tls().withPort(old.options().tls().port()));
    }
    broker = new MosquittoBroker(dir, old.port(), effective);
    ServerCleanup.register(broker);
    broker.start();
  }

  public void start() {
    started().start();
  }

  public boolean isRunning() {
    return started().isRunning();
  }

  /**
   * A connected Paho client (in-memory client persistence). {@code cleanSession=false} gives a
   * persistent session the broker queues QoS 1/2 messages for while the client is away.
   */
  public MqttClient connect(String clientId, boolean cleanSession) {
    return connect(clientId, cleanSession, null);
  }

  /**
   * As {@link #connect(String, boolean)}, with {@code callback} set before connecting, so messages
   * queued for a persistent session are not missed when they arrive right after CONNACK.
   */
  public MqttClient connect(String clientId, boolean cleanSession, MqttCallback callback) {
    return connect(clientId, cleanSession, callback, null, null);
  }

  /** As {@link #connect(String, boolean, MqttCallback)}, logged in as {@code username} (plain listener). */
  public MqttClient connect(String clientId, boolean cleanSession, MqttCallback callback, String username, String password) {
    try {
      MqttClient client = new MqttClient(url(), clientId, new MemoryPersistence());
      if (callback != null) {
        client.setCallback(callback);
      }
      MqttConnectOptions opts = new MqttConnectOptions();
      opts.setCleanSession(cleanSession);
      opts.setAutomaticReconnect(false);
      opts.setConnectionTimeout(10);
      opts.setMaxInflight(1000);
      if (username != null) {
        opts.setUserName(username);
        opts.setPassword(password.toCharArray());
      }
      client.connect(opts);
      return client;
    } catch (MqttException e) {
      throw new IllegalStateException("Cannot connect " + clientId + " to " + url() + ": " + e, e);
    }
  }
}
