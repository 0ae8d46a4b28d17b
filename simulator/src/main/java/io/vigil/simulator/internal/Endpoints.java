package io.vigil.simulator.internal;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads endpoints that {@code vigil stack up} wrote to {@code $VIGIL_HOME/stack/endpoints.properties}. */
public final class Endpoints {
  private Endpoints() {}

  /** $VIGIL_HOME, or ~/.vigil when it is unset or blank. */
  public static Path vigilHome(Map<String, String> env, String userHome) {
    String home = env.get("VIGIL_HOME");
    return home == null || home.isBlank() ? Path.of(userHome, ".vigil") : Path.of(home);
  }

  public static Path file(Path vigilHome) {
    return vigilHome.resolve("stack").resolve("endpoints.properties");
  }

  /** The value of {@code key}, or a VigilException telling the user to start the stack or pass {@code option}. */
  public static String require(Path endpointsFile, String key, String option) {
    if (!Files.isRegularFile(endpointsFile)) {
      throw VigilErrors.stackNotRunning(endpointsFile);
    }
    String value = ConfigSources.readProperties(endpointsFile).get(key);
    if (value == null || value.isBlank()) {
      throw VigilErrors.endpointMissing(endpointsFile, key, option);
    }
    return value.trim();
  }
}
