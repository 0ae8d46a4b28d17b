package io.vigil.stack;

import io.vigil.common.VigilErrors;
import io.vigil.stack.internal.MqttProbe;
import io.vigil.stack.internal.Ports;
import io.vigil.stack.internal.Readiness;
import io.vigil.stack.internal.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * What every MQTT broker of the stack shares: a child process tracked by a pid file under one
 * directory, a loopback port, persistence under {@code data/}, and readiness meaning "a client can
 * connect". Subclasses say how to configure and launch their broker.
 */
abstract sealed class ProcessMqttBroker implements MqttBroker permits MosquittoBroker, EmbeddedMqttBroker {
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  protected final Path dir;
  protected final int port;
  private final String displayName;
  private final ServerProcess process;

  ProcessMqttBroker(String displayName, Path dir, int port, String pidFileName, String configFileName) {
    this.displayName = displayName;
    this.dir = dir.toAbsolutePath();
    this.port = port;
    // The config file's path is in the broker's command line: it tells our process from a reused pid.
    this.process = new ServerProcess(displayName, this.dir.resolve(pidFileName), this.dir.resolve(configFileName).toString());
  }

  /** Checks the broker can run here, writes its configuration and returns its command line. */
  protected abstract List<String> configureAndCommand() throws IOException;

  @Override
  public synchronized void start(Duration timeout) {
    if (process.isRunning()) {
      Readiness.await(process, this::probe, timeout, logFile());
      return;
    }
    if (!Ports.isFree(port)) {
      throw VigilErrors.portInUse(displayName, port, "--mqtt-port");
    }
    List<String> command;
    try {
      Files.createDirectories(dataDir());
      command = configureAndCommand();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process.start(command, dir, dir.resolve("console.log"));
    Readiness.await(process, this::probe, timeout, logFile());
  }

  private boolean probe() {
    return MqttProbe.canConnect(url());
  }

  @Override
  public synchronized void stop() {
    process.stop(STOP_GRACE);
  }

  @Override
  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public boolean isReady() {
    return process.isRunning() && probe();
  }

  @Override
  public boolean isRunning() {
    return process.isRunning();
  }

  @Override
  public OptionalLong pid() {
    return process.pid();
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + url() + ", " + dir + "]";
  }
}
