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

  public static Path stackDir() {
    return dir().resolve("stack");
  }

  /** The properties file {@code vigil stack up} writes: kafka.bootstrap.servers, mqtt.url, topics. */
  public static Path endpointsFile() {
    return stackDir().resolve("endpoints.properties");
  }
}
