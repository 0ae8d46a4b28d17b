package io.vigil.bridge;

import io.vigil.common.VigilHome;
import io.vigil.common.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil bridge}: runs the MQTT-to-Kafka bridge until SIGTERM or Ctrl-C. */
@Command(name = "bridge", mixinStandardHelpOptions = true,
    description = {
        "Bridges MQTT topics into Kafka, acknowledging each MQTT message only once Kafka holds it (acks=all).",
        "With no options it connects the local stack's brokers (see `vigil stack up`)."})
public final class BridgeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(BridgeCommand.class);

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with bridge settings.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting; repeatable.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--endpoints", paramLabel = "FILE",
      description = "Endpoints file of a running local stack, used for mqtt.url and kafka.bootstrap.servers unless set otherwise (default: ${DEFAULT-VALUE}).")
  Path endpoints = VigilHome.endpointsFile();

  @Option(names = "--validate", description = "Check the configuration and exit without connecting.")
  boolean validateOnly;

  @Override
  public Integer call() throws InterruptedException {
    BridgeConfig config = new BridgeConfig(resolve());
    if (validateOnly) {
      System.out.println("Configuration is valid: " + config);
      return 0;
    }
    log.info("Starting bridge: {}", config);
    java.util.concurrent.CompletableFuture<Void> stopped = new java.util.concurrent.CompletableFuture<>();
    MqttKafkaBridge bridge = new MqttKafkaBridge(config);
    Runnable stop = () -> {
      bridge.close();
      stopped.complete(null);
    };
    // SIGTERM and Ctrl-C are the normal way to stop: handle them so the drain runs and the exit code
    // is 0. A shutdown hook alone would drain too, but the JVM then exits 143 (killed by a signal),
    // which supervisors read as a failure. The hook stays for every other way the JVM ends.
    for (String signal : List.of("TERM", "INT")) {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(stop, "vigil-bridge-stop-" + s.getName()).start());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "vigil-bridge-shutdown"));
    bridge.start();
    log.info("Bridge running; stop it with Ctrl-C or SIGTERM");
    java.util.concurrent.CompletableFuture.anyOf(stopped, bridge.fatalError()).join();
    if (bridge.fatalError().isDone()) {
      // A refusal on reconnect (rotated password, replaced certificate): stop so a supervisor sees it.
      bridge.close();
      throw bridge.fatalError().join();
    }
    return 0;
  }

  /** Stack endpoints first, then the config file, then --set: later wins. */
  Map<String, String> resolve() {
    Map<String, String> raw = new LinkedHashMap<>();
    boolean stack = endpoints != null && Files.isRegularFile(endpoints);
    log.info("Bridge settings from: defaults{}{}{}", stack ? ", stack endpoints " + endpoints : "",
        configFile == null ? "" : ", " + configFile, overrides.isEmpty() ? "" : ", " + overrides.size() + " --set");
    if (stack) {
      Map<String, String> endpoint = ConfigSources.readProperties(endpoints);
      for (String key : List.of(BridgeConfig.MQTT_URL, BridgeConfig.KAFKA_BOOTSTRAP, BridgeConfig.KAFKA_TOPIC,
          BridgeConfig.KAFKA_DEADLETTER_TOPIC)) {
        if (endpoint.containsKey(key)) {
          raw.put(key, endpoint.get(key));
        }
      }
    }
    raw.putAll(ConfigSources.load(configFile, overrides));
    return raw;
  }
}
