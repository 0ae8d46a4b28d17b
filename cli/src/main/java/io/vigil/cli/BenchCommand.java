package io.vigil.cli;

import io.vigil.cli.internal.BridgeBenchmark;
import io.vigil.cli.internal.StackSession;
import io.vigil.common.VigilHome;
import io.vigil.stack.StackEndpoints;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil bench}: speed measurements that print figures and ratios against a baseline run alongside. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Speed benchmarks with their baselines, in one run.",
    subcommands = {BenchCommand.Bridge.class})
public final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "bridge", mixinStandardHelpOptions = true,
      description = "One QoS 1 load through a counting subscriber (the ceiling), Vigil's bridge into Kafka, and a naive"
          + " bridge (ack on arrival, one synchronous Kafka send per message); prints msg/s, latency and ratios.")
  static final class Bridge implements Callable<Integer> {
    @Option(names = "--messages", defaultValue = "200000", description = "Messages per contender (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--devices", defaultValue = "1000", description = "Device topics the load is spread over (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--payload-bytes", defaultValue = "200", description = "Payload size (default: ${DEFAULT-VALUE}).")
    int payloadBytes;

    @Option(names = "--naive-budget", paramLabel = "SECONDS", defaultValue = "60",
        description = "The naive bridge is measured for at most this long; its rate is what it managed (default: ${DEFAULT-VALUE}).")
    int naiveBudgetSeconds;

    @Option(names = "--mqtt-version", defaultValue = "3.1.1", description = "MQTT version of Vigil's bridge: 3.1.1 or 5 (default: ${DEFAULT-VALUE}).")
    String mqttVersion;

    @Override
    public Integer call() throws Exception {
      PrintStream out = System.out;
      Path work = Files.createDirectories(VigilHome.dir().resolve("bench"));
      try (StackSession stack = new StackSession(out)) {
        StackEndpoints endpoints = stack.endpoints();
        out.printf("Bridge benchmark: %,d QoS 1 messages of %d bytes over %,d device topics per contender (%s)%n",
            messages, payloadBytes, devices, endpoints.mqttBroker());
        List<BridgeBenchmark.Figures> f = new BridgeBenchmark(new BridgeBenchmark.Settings(endpoints.mqttUrl(),
            endpoints.kafkaBootstrapServers(), messages, devices, payloadBytes, Duration.ofSeconds(naiveBudgetSeconds), work,
            mqttVersion),
            out).run();
        BridgeBenchmark.Figures ceiling = f.get(0);
        BridgeBenchmark.Figures vigil = f.get(1);
        BridgeBenchmark.Figures naive = f.get(2);
        out.printf("Vigil / ceiling: %.2f (goal >= 0.75)   Vigil / naive: %.1fx   Vigil delivered %,d of %,d%n",
            vigil.msgPerSecond() / ceiling.msgPerSecond(), vigil.msgPerSecond() / naive.msgPerSecond(),
            vigil.delivered(), messages);
        return vigil.delivered() == messages ? 0 : 1;
      }
    }
  }
}
