package io.vigil.stack;

import io.vigil.common.VigilErrors;
import io.vigil.common.VigilException;
import io.vigil.stack.internal.MosquittoConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Mosquitto in a child process, configured so queued QoS 1/2 messages of persistent sessions are
 * never dropped (see {@link io.vigil.stack.internal.MosquittoConf}). Layout under {@code dir}:
 * {@code mosquitto.conf}, {@code data/} (persistence), {@code mosquitto.log}, {@code console.log},
 * {@code mosquitto.pid}.
 */
public final class MosquittoBroker extends ProcessMqttBroker {
  public static final String BINARY_PROPERTY = "vigil.mosquitto.bin";
  public static final String BINARY_ENV = "VIGIL_MOSQUITTO";
  public MosquittoBroker(Path dir, int port) {
    super("Mosquitto", dir, port, "mosquitto.pid", "mosquitto.conf");
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
  protected List<String> configureAndCommand() throws IOException {
    Path binary = findBinary().orElseThrow(MosquittoBroker::notInstalled);
    Files.writeString(confFile(), MosquittoConf.render(port, dataDir(), logFile(), System.getProperty("user.name")));
    return List.of(binary.toString(), "-c", confFile().toString());
  }

  @Override
  public Path logFile() {
    return dir.resolve("mosquitto.log");
  }

  public Path confFile() {
    return dir.resolve("mosquitto.conf");
  }

}
