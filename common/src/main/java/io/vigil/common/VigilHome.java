package io.vigil.common;

import java.nio.file.Path;

/**
 * Where Vigil keeps local state: {@code $VIGIL_HOME}, or {@code ~/.vigil}. The local stack writes its
 * endpoints file there, and every command reads it when no flag names the brokers.
 */
public final class VigilHome {
  private VigilHome() {}

  public static Path dir() {
    String env = System.getenv("VIGIL_HOME");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".vigil");
  }

  /** Default root of local tables and checkpoints: {@code <home>/data}. */
  public static Path dataDir() {
    return dir().toAbsolutePath().resolve("data");
  }

  /** Default location of a Delta table when a job runs locally: {@code <home>/data/delta/<name>}. */
  public static Path table(String name) {
    return dataDir().resolve("delta").resolve(name);
  }

  public static Path stackDir() {
    return dir().resolve("stack");
  }

  /** The properties file {@code vigil stack up} writes: kafka.bootstrap.servers, mqtt.url, topics. */
  public static Path endpointsFile() {
    return stackDir().resolve("endpoints.properties");
  }
}
