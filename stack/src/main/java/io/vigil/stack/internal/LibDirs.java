package io.vigil.stack.internal;

import io.vigil.common.VigilErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Finds a directory of jars a server runs from (its own JVM): a system property, then an
 * environment variable, then {@code relativePath} under the current directory or any parent (so
 * commands and tests run from anywhere inside the source tree find the build's output).
 */
public final class LibDirs {
  private LibDirs() {}

  public static final String KAFKA_PROPERTY = "vigil.kafka.libDir";
  public static final String KAFKA_ENV = "VIGIL_KAFKA_LIBS";
  public static final String KAFKA_RELATIVE = "kafka-dist/target/kafka-libs";

  public static final String MQTT_PROPERTY = "vigil.mqtt.libDir";
  public static final String MQTT_ENV = "VIGIL_MQTT_LIBS";
  public static final String MQTT_RELATIVE = "stack/target/mqtt-libs";

  public static Path kafka() {
    return locate("Kafka broker", KAFKA_PROPERTY, KAFKA_ENV, KAFKA_RELATIVE,
        System.getProperties(), System.getenv(), Path.of("").toAbsolutePath(),
        "Build it once with `mvn -B install -pl kafka-dist` (or the whole build) from the source tree,"
            + " or point -D" + KAFKA_PROPERTY + " / $" + KAFKA_ENV + " at a directory of Kafka 4.1 broker jars.");
  }

  public static Path embeddedMqtt() {
    return locate("embedded MQTT broker", MQTT_PROPERTY, MQTT_ENV, MQTT_RELATIVE,
        System.getProperties(), System.getenv(), Path.of("").toAbsolutePath(),
        "Build it once with `mvn -B install -pl stack` from the source tree, install Mosquitto"
            + " (apt-get install mosquitto), or point -D" + MQTT_PROPERTY + " / $" + MQTT_ENV
            + " at stack/target/mqtt-libs.");
  }

  static Path locate(String server, String property, String env, String relative,
      Properties props, Map<String, String> envs, Path cwd, String fix) {
    List<String> looked = new ArrayList<>();
    String fromProp = props.getProperty(property);
    if (fromProp != null && !fromProp.isBlank()) {
      Path p = Path.of(fromProp);
      if (hasJars(p)) {
        return p.toAbsolutePath();
      }
      looked.add("-D" + property + "=" + fromProp);
    }
    String fromEnv = envs.get(env);
    if (fromEnv != null && !fromEnv.isBlank()) {
      Path p = Path.of(fromEnv);
      if (hasJars(p)) {
        return p.toAbsolutePath();
      }
      looked.add("$" + env + "=" + fromEnv);
    }
    for (Path dir = cwd; dir != null; dir = dir.getParent()) {
      Path p = dir.resolve(relative);
      if (hasJars(p)) {
        return p;
      }
    }
    looked.add(relative + " in " + cwd + " and its parents");
    throw VigilErrors.serverLibsNotFound(server, String.join("; ", looked), fix);
  }

  private static boolean hasJars(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var s = Files.list(dir)) {
      return s.anyMatch(f -> f.getFileName().toString().endsWith(".jar"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The java launcher of the running JVM, so children use the same JDK. */
  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
