package io.vigil.cli;

import io.vigil.cli.internal.AnomalyFilter;
import io.vigil.cli.internal.AnomalyTail;
import io.vigil.common.VigilErrors;
import io.vigil.common.internal.Durations;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.Topics;
import io.vigil.stack.StackEndpoints;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil anomalies}: tails the anomalies topic and prints one line per event. */
@Command(name = "anomalies", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Tails the anomalies topic and prints one readable line per event (time, kind, severity, device, metric, "
            + "value/expected/score, detail), or with --json the event's JSON, one object per line.",
        "By default it shows new events until Ctrl-C; --from-beginning or --since show earlier ones too. "
            + "Records that are not anomaly events are reported on stderr with their offset, counted and skipped.",
        "With no --bootstrap it reads the local stack's Kafka (see `vigil stack up`)."},
    footer = {"", "Examples:",
        "  vigil anomalies --since 1h --kind GAP,INACTIVE",
        "  vigil anomalies --from-beginning --exit-at-end --device 'pump-*' --json"})
public final class AnomaliesCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT,...",
      description = "Kafka bootstrap servers (default: the local stack's, from its endpoints file).")
  String bootstrap;

  @Option(names = "--topic", description = "Anomalies topic (default: the local stack's, else " + Topics.ANOMALIES + ").")
  String topic;

  @Option(names = "--device", paramLabel = "GLOB", split = ",",
      description = "Only these devices: ids or globs with * and ? (repeatable or comma-separated).")
  List<String> devices = new ArrayList<>();

  @Option(names = "--kind", paramLabel = "KIND", split = ",", converter = KindConverter.class,
      description = "Only these kinds (repeatable or comma-separated, any case): ${COMPLETION-CANDIDATES}.",
      completionCandidates = Kinds.class)
  List<AnomalyKind> kinds = new ArrayList<>();

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  StartOption start;

  static final class StartOption {
    @Option(names = "--from-beginning", required = true, description = "Start at the oldest event the topic still holds.")
    boolean fromBeginning;

    @Option(names = "--since", required = true, paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Start at events published in the last DURATION, e.g. 30m, 2h, 1d.")
    Duration since;
  }

  @Option(names = "--json", description = "Print each event's JSON (the contract, all fields) on one line.")
  boolean json;

  @Option(names = "--max", paramLabel = "N", defaultValue = "0",
      description = "Stop after N shown events (0: no limit; default: ${DEFAULT-VALUE}).")
  long max;

  @Option(names = "--exit-at-end", description = "Stop once every event published before the start has been read,"
      + " instead of waiting for new ones.")
  boolean exitAtEnd;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long to wait for Kafka to answer before giving up (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    if (max < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max must be 0 (no limit) or more, was " + max);
    }
    String servers = bootstrap;
    String topicName = topic;
    if (servers == null) {
      // Like every other subcommand: after `vigil stack up`, no flags needed.
      StackEndpoints stack = StackEndpoints.load();
      servers = stack.kafkaBootstrapServers();
      topicName = topicName != null ? topicName : stack.anomaliesTopic();
    } else if (topicName == null) {
      topicName = Topics.ANOMALIES;
    }
    AnomalyTail.Start from = start == null ? AnomalyTail.Start.end()
        : new AnomalyTail.Start(start.fromBeginning, start.since);
    AnomalyTail tail = new AnomalyTail(new AnomalyTail.Settings(servers, topicName,
        new AnomalyFilter(devices, kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds)), from, json, max, exitAtEnd, timeout),
        clock);

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Ctrl-C ends the tail at the next poll and still prints the counts.
    Thread onCtrlC = new Thread(tail::stop, "vigil-anomalies-stop");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      AnomalyTail.Counts counts = tail.run(out, err);
      err.println("vigil anomalies: " + counts.shown() + " shown, " + counts.filteredOut() + " filtered out, "
          + counts.malformed() + " malformed skipped (" + topicName + " on " + servers + ")");
      err.flush();
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it stops the tail, which has just ended anyway.
      }
    }
  }

  static final class Kinds extends ArrayList<String> {
    Kinds() {
      super(Arrays.stream(AnomalyKind.values()).map(Enum::name).toList());
    }
  }

  static final class KindConverter implements CommandLine.ITypeConverter<AnomalyKind> {
    @Override
    public AnomalyKind convert(String value) {
      try {
        return AnomalyKind.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            VigilErrors.unknownChoice("anomaly kind", value, Arrays.asList(AnomalyKind.values())).getMessage());
      }
    }
  }

  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        Duration d = Durations.parse(value);
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("must be greater than zero");
        }
        return d;
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (" + e.getMessage()
            + "); use e.g. 30m, 2h, 1d or PT30M");
      }
    }
  }
}
