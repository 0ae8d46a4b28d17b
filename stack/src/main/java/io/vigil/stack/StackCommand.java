package io.vigil.stack;

import io.vigil.common.VigilException;
import io.vigil.common.internal.Durations;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil stack up|down|status}: runs Kafka and an MQTT broker on loopback for local work.
 * Mount it under the top-level command with {@code addSubcommand(new StackCommand())}, or run
 * {@link #main} directly.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
    description = {
        "Run a local Kafka (KRaft) broker and MQTT broker on loopback for development.",
        "All data, logs and pid files live in one directory (default $VIGIL_HOME/stack, ~/.vigil/stack).",
        "The servers keep running after the command returns; `vigil stack down` stops them."},
    subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class,
        CommandLine.HelpCommand.class})
public final class StackCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /** Options every subcommand takes. */
  static final class StackOptions {
    @Option(names = "--dir", paramLabel = "DIR",
        description = "Stack directory (data, logs, pid files, endpoints.properties). Default: $VIGIL_HOME/stack, or ~/.vigil/stack.")
    Path dir;

    @Option(names = "--mqtt-port", paramLabel = "PORT", defaultValue = "" + LocalStackSettings.DEFAULT_MQTT_PORT,
        description = "MQTT listener port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 1883 is left to a system Mosquitto).")
    int mqttPort;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "" + LocalStackSettings.DEFAULT_KAFKA_PORT,
        description = "Kafka client (PLAINTEXT) port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--controller-port", paramLabel = "PORT", defaultValue = "" + LocalStackSettings.DEFAULT_CONTROLLER_PORT,
        description = "Kafka KRaft controller port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "120s", converter = DurationConverter.class,
        description = "How long to wait for the servers to become ready, e.g. 90s, 2m, PT2M (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    LocalStackSettings settings(MqttBrokerChoice choice) {
      return new LocalStackSettings(dir != null ? dir : StackEndpoints.defaultStackDir(),
          mqttPort, kafkaPort, controllerPort, choice, timeout);
    }
  }

  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (" + e.getMessage()
            + "); use e.g. 90s, 2m or PT2M");
      }
    }
  }

  static final class ChoiceConverter implements CommandLine.ITypeConverter<MqttBrokerChoice> {
    @Override
    public MqttBrokerChoice convert(String value) {
      try {
        return MqttBrokerChoice.parse(value);
      } catch (VigilException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = {
          "Start Kafka and the MQTT broker (detached), wait until both are ready, create the default topics",
          "(" + DefaultTopics.TELEMETRY + ", " + DefaultTopics.ANOMALIES + ", " + DefaultTopics.DEAD_LETTER + ", "
              + DefaultTopics.DEVICE_STATUS + ") and write <dir>/endpoints.properties.",
          "Running it again while the stack is up only reports the running stack."})
  static final class Up implements Callable<Integer> {
    @Mixin StackOptions options;

    @Option(names = "--mqtt-broker", paramLabel = "auto|mosquitto|embedded", defaultValue = "auto",
        converter = ChoiceConverter.class,
        description = "MQTT broker: mosquitto (installed binary), embedded (Java broker in its own JVM),"
            + " or auto = mosquitto when installed, else embedded (default: ${DEFAULT-VALUE}).")
    MqttBrokerChoice mqttBroker;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      new LocalStack(options.settings(mqttBroker)).up(new PrintStream(System.out, true));
      return 0;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = {"Stop the stack's servers (SIGTERM, then SIGKILL after a grace period) and remove",
          "<dir>/endpoints.properties. Data stays in <dir>; succeeds when nothing is running."})
  static final class Down implements Callable<Integer> {
    @Mixin StackOptions options;

    @Override
    public Integer call() {
      new LocalStack(options.settings(MqttBrokerChoice.AUTO)).down(new PrintStream(System.out, true));
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Show each server of the stack with pid, port and readiness.",
          "Exits 0 when all are ready, 1 otherwise."})
  static final class Status implements Callable<Integer> {
    @Mixin StackOptions options;

    @Override
    public Integer call() {
      LocalStack stack = new LocalStack(options.settings(MqttBrokerChoice.AUTO));
      List<ComponentStatus> statuses = stack.status();
      System.out.println("Local stack in " + stack.settings().dir() + ":");
      statuses.forEach(s -> System.out.println("  " + s.describe()));
      return LocalStack.allReady(statuses) ? 0 : 1;
    }
  }

  /** A command line wired with Vigil's error reporting: a VigilException prints its message, exit 1. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new StackCommand());
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof VigilException) {
        commandLine.getErr().println("error: " + ex.getMessage());
        return 1;
      }
      throw ex;
    });
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
