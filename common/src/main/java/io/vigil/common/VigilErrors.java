package io.vigil.common;

import io.vigil.common.config.ConfigException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The one place that words user-facing errors. Each factory says what went wrong (naming the key,
 * field, topic or file), why, and how to fix it. Add new errors here rather than formatting
 * messages at the throw site.
 */
public final class VigilErrors {
  private VigilErrors() {}

  // ---- configuration ------------------------------------------------------------------------

  public static ConfigException missingConfig(String key, String doc) {
    return new ConfigException(key,
        "Configuration key '" + key + "' has no value.",
        "It is required: " + doc,
        "Set " + key + "=<value> in the config file or pass --set " + key + "=<value>.");
  }

  public static ConfigException invalidConfigValue(String key, String value, String expected) {
    return new ConfigException(key,
        "Configuration key '" + key + "' has the invalid value '" + value + "'.",
        "Expected " + expected + ".",
        "Change " + key + " in the config file or pass --set " + key + "=<value>.");
  }

  public static ConfigException unknownConfigKey(String key, String suggestion) {
    return new ConfigException(key,
        "Configuration key '" + key + "' is not a known setting.",
        suggestion == null ? "A typo would otherwise be ignored silently."
            : "Did you mean '" + suggestion + "'?",
        "Remove it or correct its name; `--help` and the README's configuration reference list every key.");
  }

  public static ConfigException secretNotReadable(String key, String source, Exception cause) {
    return new ConfigException(key,
        "Configuration key '" + key + "' points at a secret that cannot be read (" + source + ").",
        cause == null ? "The environment variable is not set." : cause.getMessage(),
        "Make the file readable or export the variable, or set " + key + " another way (env:NAME or file:/path).");
  }

  public static ConfigException configFileNotReadable(Path file, Exception cause) {
    return new ConfigException(null,
        "The config file " + file + " cannot be read.",
        cause.getMessage(),
        "Check the path and its permissions, or leave the option out to use the defaults.");
  }

  // ---- contracts ----------------------------------------------------------------------------

  public static VigilException invalidTopicLayout(String template, String problem) {
    return new VigilException("The topic layout '" + template + "' is not usable: " + problem + ".",
        "A layout is an MQTT topic whose segments are literals, + or {deviceId} (at most once).",
        "Write it like devices/{deviceId}/telemetry.");
  }

  // ---- servers and endpoints ----------------------------------------------------------------

  public static VigilException stackNotRunning(Path endpointsFile) {
    return new VigilException(
        "No local stack is running: " + endpointsFile + " does not exist.",
        "Commands read the Kafka and MQTT endpoints from that file when no flag gives them.",
        "Run `vigil stack up` first, or pass the endpoints explicitly (see --help).");
  }

  public static VigilException serverDidNotStart(String server, String detail, Path logFile) {
    return new VigilException(
        server + " did not become ready.",
        detail,
        "See its log at " + logFile + "; a port already in use or a leftover data directory are the usual causes.");
  }

  public static VigilException toolMissing(String tool, String fix) {
    return new VigilException(tool + " is needed but was not found.", null, fix);
  }

  public static VigilException unknownChoice(String what, String value, Collection<?> choices) {
    return new VigilException(what + " '" + value + "' is not known.",
        "Known values: " + choices + ".", "Use one of the known values.");
  }

  // ---- local stack (added by the stack module) ---------------------------------------------

  /** A server's jar directory (e.g. kafka-dist/target/kafka-libs) was not found anywhere we look. */
  public static VigilException serverLibsNotFound(String server, String lookedAt, String fix) {
    return new VigilException(
        "The " + server + " jars were not found (looked at: " + lookedAt + ").",
        server + " runs in its own JVM from that directory so its dependencies never meet ours.",
        fix);
  }

  /** A port the stack wants to listen on is taken by another program. */
  public static VigilException portInUse(String server, int port, String option) {
    return new VigilException(
        server + " cannot listen on 127.0.0.1:" + port + ": the port is already in use.",
        "Another program (or a stack started from another directory) holds it.",
        "Stop that program, or choose another port with " + option + "=<port>.");
  }

  /** A server process of ours did not exit after SIGTERM and SIGKILL. */
  public static VigilException processDidNotStop(String server, long pid) {
    return new VigilException(
        server + " (pid " + pid + ") did not exit after SIGTERM and SIGKILL.",
        "The process may be stuck in uninterruptible I/O or owned by another user.",
        "Check it with `ps -p " + pid + " -o pid,stat,user,cmd` and end it by hand.");
  }
}
