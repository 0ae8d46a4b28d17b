package io.vigil.stack;

import io.vigil.common.VigilErrors;
import io.vigil.common.VigilException;
import io.vigil.stack.internal.MosquittoConf;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Mosquitto in a child process, configured so queued QoS 1/2 messages of persistent sessions are
 * never dropped (see {@link io.vigil.stack.internal.MosquittoConf}). Layout under {@code dir}:
 * {@code mosquitto.conf}, {@code data/} (persistence), {@code mosquitto.log}, {@code console.log},
 * {@code mosquitto.pid}.
 */
public final class MosquittoBroker implements MqttBroker {
  public static final String BINARY_PROPERTY = "vigil.mosquitto.bin";
  public static final String BINARY_ENV = "VIGIL_MOSQUITTO";
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final Path dir;
  private final int port;
  private final ServerProcess process;

  public MosquittoBroker(Path dir, int port) {
    this.dir = dir.toAbsolutePath();
    this.port = port;
    this.process = new ServerProcess("Mosquitto", this.dir.resolve("mosquitto.pid"), confFile().toString());
  }

  /** The mosquitto executable: -Dvigil.mosquitto.bin, $VIGIL_MOSQUITTO, $PATH, then /usr/sbin. */
  public static Optional<Path> findBinary() {
    Stream<String> explicit = Stream.of(System.getProperty(BINARY_PROPERTY), System.getenv(BINARY_ENV));
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    Stream<String> searched = Stream.concat(
        Stream.of(path.split(":")).filter(s -> !s.isBlank()).map(d -> d + "/mosquitto"),
        Stream.of("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/local/bin/mosquitto"));
    return Stream.concat(explicit, searched)
        .filter(s -> s != null && !s.isBlank())
        .map(Path::of)
        .filter(Files::isExecutable)
        .findFirst();
  }

  public static boolean isInstalled() {
    return findBinary().isPresent();
  }

  /** The error tests and `vigil stack up --mqtt-broker=mosquitto` raise when it is missing. */
  public static VigilException notInstalled() {
    return VigilErrors.toolMissing("Mosquitto (the mosquitto binary)",
        "Install it with `apt-get install mosquitto` (CI does so in .ci/run), or set -D" + BINARY_PROPERTY
            + " / $" + BINARY_ENV + " to its path; `vigil stack up --mqtt-broker=embedded` runs without it.");
  }

  @Override
  public String kind() {
    return "mosquitto";
  }

  @Override
  public synchronized void start(Duration timeout) {
    if (process.isRunning()) {
      Readiness.await(process, this::probe, timeout, logFile());
      return;
    }
    Path binary = findBinary().orElseThrow(MosquittoBroker::notInstalled);
    if (!Ports.isFree(port)) {
      throw VigilErrors.portInUse("Mosquitto", port, "--mqtt-port");
    }
    try {
      Files.createDirectories(dataDir());
      Files.writeString(confFile(), MosquittoConf.render(port, dataDir(), logFile(), System.getProperty("user.name")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process.start(List.of(binary.toString(), "-c", confFile().toString()), dir, dir.resolve("console.log"));
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

  @Override
  public Path logFile() {
    return dir.resolve("mosquitto.log");
  }

  public Path confFile() {
    return dir.resolve("mosquitto.conf");
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  @Override
  public String toString() {
    return "MosquittoBroker[" + url() + ", " + dir + "]";
  }
}
