package io.vigil.simulator;

import io.vigil.simulator.internal.Endpoints;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil simulate}: a fleet of simulated devices publishing telemetry over MQTT, with injected
 * faults and a ground-truth labels file. Mounted under the top-level {@code vigil} command.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {
        "Simulate a fleet of IoT devices publishing telemetry over MQTT, with injected faults.",
        "",
        "Each device has its own metrics (temperature/humidity, noise_db, power_w/voltage or vibration_rms), "
            + "interval, jitter, daily and weekly seasonality, trend and noise. The same --seed and settings give "
            + "byte-identical messages and labels.",
        "Every injected fault is written to the labels CSV (device,metric,kind,start,end) for scoring detections.",
        "",
        "Real time (live demo):  vigil simulate --devices 50 --duration 3m",
        "History backfill:       vigil simulate --history 7d --duration 0s --rate 5000",
        "Generate only:          vigil simulate --history 1d --duration 0s --set simulator.output=jsonl",
        "Mixed firmware:         vigil simulate --dialect mixed --history 1d --duration 3m",
        "  (zigbee2mqtt, shelly-gen2, esphome and homeassistant-statestream send no timestamp: their devices only publish live)",
        ""},
    footer = {"", "Settings come from --config, then --set, then the options above (later wins). "
        + "Every key, with its default, is listed by: --help-config"})
public final class SimulateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--devices", paramLabel = "N", description = "Number of devices (default 50).")
  Integer devices;

  @Option(names = "--duration", paramLabel = "DURATION",
      description = "Real-time run length from now, e.g. 3m; 0s for none (default 3m).")
  String duration;

  @Option(names = "--history", paramLabel = "DURATION",
      description = "Backfill this much past data first, e.g. 7d, published as fast as --rate allows (default 0s).")
  String history;

  @Option(names = "--rate", paramLabel = "MSG_PER_S", description = "Fleet-wide publish rate cap, 0 for none (default 1000).")
  Double rate;

  @Option(names = "--qos", paramLabel = "0|1|2", description = "MQTT QoS (default 1). At 1 and 2 the run waits for every acknowledgement.")
  Integer qos;

  @Option(names = "--seed", paramLabel = "SEED", description = "Random seed (default 42).")
  Long seed;

  @Option(names = "--interval", paramLabel = "DURATION",
      description = "Base reporting interval; devices use 0.2x..6x of it (default 10s).")
  String interval;

  @Option(names = "--faults", paramLabel = "SPEC",
      description = "none, default, or kind[=probability],... with kinds gap, dead, frequency, spike, shift, drift, "
          + "duplicate, late, ooo, skew, malformed; include 'default' to adjust the default mix (default: default).")
  String faults;

  @Option(names = "--labels", paramLabel = "FILE", description = "Ground-truth labels CSV (default vigil-labels.csv).")
  Path labels;

  @Option(names = "--mqtt-url", paramLabel = "URL",
      description = "Broker, e.g. tcp://127.0.0.1:1883 (default: mqtt.url from $VIGIL_HOME/stack/endpoints.properties, "
          + "written by `vigil stack up`).")
  String mqttUrl;

  @Option(names = "--topic-layout", paramLabel = "LAYOUT", description = "Topic per device (default devices/{deviceId}/telemetry).")
  String topicLayout;

  @Option(names = "--dialect", paramLabel = "DIALECT",
      description = "Payload dialect: vigil (default), zigbee2mqtt, tasmota, shelly-gen2, shelly-gen2-rpc, esphome, "
          + "homeassistant-statestream, owntracks, ttn-v3, sparkplug-b; 'mixed' for a fleet of all, or a comma list for a fleet of those.")
  String dialect;

  @Option(names = "--speedup", paramLabel = "FACTOR", description = "Run simulated time this many times faster than real time (default 1).")
  Double speedup;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with simulator settings.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting; repeatable.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--help-config", description = "List every setting with its default and exit.")
  boolean helpConfig;

  private final Clock clock;
  private final Map<String, String> env;
  private final String userHome;

  public SimulateCommand() {
    this(Clock.systemUTC(), System.getenv(), System.getProperty("user.home"));
  }

  /** For tests and embedding: the clock, environment and home directory to use. */
  public SimulateCommand(Clock clock, Map<String, String> env, String userHome) {
    this.clock = clock;
    this.env = env;
    this.userHome = userHome;
  }

  /** The settings the options describe: --config, then --set, then explicit options. */
  public SimulatorConfig resolveConfig() {
    List<String> all = new ArrayList<>(overrides);
    add(all, SimulatorConfig.DEVICES, devices);
    add(all, SimulatorConfig.DURATION, duration);
    add(all, SimulatorConfig.HISTORY, history);
    add(all, SimulatorConfig.RATE, rate);
    add(all, SimulatorConfig.MQTT_QOS, qos);
    add(all, SimulatorConfig.SEED, seed);
    add(all, SimulatorConfig.INTERVAL, interval);
    add(all, SimulatorConfig.FAULTS, faults);
    add(all, SimulatorConfig.LABELS, labels);
    add(all, SimulatorConfig.MQTT_URL, mqttUrl);
    add(all, SimulatorConfig.TOPIC_LAYOUT, topicLayout);
    add(all, SimulatorConfig.SPEEDUP, speedup);
    add(all, SimulatorConfig.DIALECT, dialect);
    return SimulatorConfig.load(config, all);
  }

  private static void add(List<String> out, String key, Object value) {
    if (value != null) {
      out.add(key + "=" + value);
    }
  }

  /** --mqtt-url / mqtt.url, else the running stack's endpoints file. */
  public String resolveMqttUrl(SimulatorConfig cfg) {
    if (cfg.mqttUrl() != null && !cfg.mqttUrl().isBlank()) {
      return cfg.mqttUrl();
    }
    return Endpoints.require(Endpoints.file(Endpoints.vigilHome(env, userHome)), "mqtt.url", "--mqtt-url");
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (helpConfig) {
      out.print(SimulatorConfig.DEFINITION.toMarkdownTable());
      out.flush();
      return 0;
    }
    SimulatorConfig cfg = resolveConfig();
    String url = cfg.output() == SimulatorConfig.Output.MQTT ? resolveMqttUrl(cfg) : null;
    Simulator simulator = new Simulator(cfg, clock);
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C: stop publishing, but still flush the sink and write the labels before the JVM exits.
    Thread hook = new Thread(() -> {
      simulator.stop();
      try {
        finished.await(cfg.drainTimeout().toSeconds() + 5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "vigil-simulate-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      SimulationSummary summary = simulator.run(url);
      out.print(summary.render());
      out.flush();
      return summary.failed() > 0 ? 1 : 0;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already exiting; the hook is running and waits on the latch we just released.
      }
    }
  }
}
