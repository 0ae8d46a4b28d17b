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
  public static final String PASSWD_BINARY = "mosquitto_passwd";

  private final MosquittoOptions options;

  public MosquittoBroker(Path dir, int port) {
    this(dir, port, MosquittoOptions.defaults());
  }

  /** With a TLS listener and/or users (tests of TLS and logins); the plain listener stays on {@code port}. */
  public MosquittoBroker(Path dir, int port, MosquittoOptions options) {
    super("Mosquitto", dir, port, "mosquitto.pid", "mosquitto.conf");
    this.options = options;
  }

  public MosquittoOptions options() {
    return options;
  }

  /** e.g. {@code ssl://127.0.0.1:34568}, when the options have a TLS listener. */
  public String tlsUrl() {
    if (options.tls() == null) {
      throw new IllegalStateException("This Mosquitto has no TLS listener: pass MosquittoOptions with TLS");
    }
    return "ssl://127.0.0.1:" + options.tls().port();
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
        "Install it with `apt-get install mosquitto` (scripts/test does so when it may), or set -D" + BINARY_PROPERTY
            + " / $" + BINARY_ENV + " to its path; `vigil stack up --mqtt-broker=embedded` runs without it.");
  }

  @Override
  public String kind() {
    return "mosquitto";
  }

  @Override
  protected List<String> configureAndCommand() throws IOException {
    Path binary = findBinary().orElseThrow(MosquittoBroker::notInstalled);
    Path passwordFile = null;
    if (!options.users().isEmpty()) {
      passwordFile = dir.resolve("passwords");
      writePasswordFile(binary, passwordFile);
    }
    Files.writeString(confFile(), MosquittoConf.render(port, dataDir(), logFile(), System.getProperty("user.name"),
        options, passwordFile));
    return List.of(binary.toString(), "-c", confFile().toString());
  }

  /** Mosquitto wants hashed passwords: mosquitto_passwd -b makes them (-c creates the file first). */
  private void writePasswordFile(Path mosquitto, Path passwordFile) throws IOException {
    Path passwd = Stream.of(mosquitto.resolveSibling(PASSWD_BINARY), Path.of("/usr/bin", PASSWD_BINARY),
            Path.of("/usr/local/bin", PASSWD_BINARY))
        .filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> VigilErrors.toolMissing("mosquitto_passwd", "It comes with Mosquitto: `apt-get install mosquitto`."));
    Files.deleteIfExists(passwordFile);
    boolean first = true;
    for (var user : options.users().entrySet()) {
      List<String> command = first
          ? List.of(passwd.toString(), "-c", "-b", passwordFile.toString(), user.getKey(), user.getValue())
          : List.of(passwd.toString(), "-b", passwordFile.toString(), user.getKey(), user.getValue());
      first = false;
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      try {
        if (p.waitFor() != 0) {
          throw new IOException("mosquitto_passwd failed for user " + user.getKey() + ": " + output.strip());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while running mosquitto_passwd", e);
      }
    }
  }

  @Override
  public Path logFile() {
    return dir.resolve("mosquitto.log");
  }

  public Path confFile() {
    return dir.resolve("mosquitto.conf");
  }

}
