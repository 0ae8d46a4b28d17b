package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
  @TempDir
  Path home;

  private SimulateCommand command(Map<String, String> env) {
    return new SimulateCommand(Clock.fixed(Fleets.NOW, ZoneOffset.UTC), env, home.toString());
  }

  private static SimulateCommand parsed(SimulateCommand c, String... args) {
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void optionsOverrideSetWhichOverridesTheConfigFile() throws Exception {
    Path file = home.resolve("sim.properties");
    Files.writeString(file, "simulator.devices=7\nsimulator.seed=3\nmqtt.qos=0\n");
    SimulatorConfig c = parsed(command(Map.of()), "--config", file.toString(), "--set", "simulator.seed=4",
        "--set", "simulator.devices=8", "--devices", "9", "--qos", "2", "--history", "7d", "--duration", "0s",
        "--faults", "none", "--topic-layout", "t/{deviceId}", "--speedup", "10", "--rate", "5", "--interval", "1s").resolveConfig();
    assertThat(c.devices()).isEqualTo(9);
    assertThat(c.seed()).isEqualTo(4);
    assertThat(c.qos()).isEqualTo(2);
    assertThat(c.history()).hasDays(7);
    assertThat(c.faults().none()).isTrue();
    assertThat(c.topicFor("dev-0001")).isEqualTo("t/dev-0001");
    assertThat(c.speedup()).isEqualTo(10);
    assertThat(c.rate()).isEqualTo(5);
    assertThat(c.interval()).hasSeconds(1);
  }

  @Test
  void dialectOptionOverridesTheSetting() {
    SimulatorConfig c = parsed(command(Map.of()), "--set", "simulator.dialect=tasmota", "--dialect", "esphome,ttn-v3")
        .resolveConfig();
    assertThat(c.dialects()).containsExactly(Dialect.ESPHOME, Dialect.TTN_V3);
    assertThat(SimulatorConfig.DEFINITION.toMarkdownTable()).contains("`simulator.dialect`", "`simulator.dialect.tasmota.zone`");
  }

  @Test
  void mqttUrlComesFromTheFlagFirst() {
    SimulateCommand c = parsed(command(Map.of()), "--mqtt-url", "tcp://127.0.0.1:1999");
    assertThat(c.resolveMqttUrl(c.resolveConfig())).isEqualTo("tcp://127.0.0.1:1999");
  }

  @Test
  void mqttUrlFallsBackToTheStackEndpointsUnderVigilHome() throws Exception {
    Path vigilHome = home.resolve("vh");
    Files.createDirectories(vigilHome.resolve("stack"));
    Files.writeString(vigilHome.resolve("stack/endpoints.properties"), "mqtt.url=tcp://127.0.0.1:18830\n");
    SimulateCommand c = parsed(command(Map.of("VIGIL_HOME", vigilHome.toString())));
    assertThat(c.resolveMqttUrl(c.resolveConfig())).isEqualTo("tcp://127.0.0.1:18830");
  }

  @Test
  void withoutAStackItSaysToStartOneOrPassTheUrl() {
    SimulateCommand c = parsed(command(Map.of()));
    assertThatThrownBy(() -> c.resolveMqttUrl(c.resolveConfig()))
        .isInstanceOf(VigilException.class)
        .hasMessageContaining(home.resolve(".vigil/stack/endpoints.properties").toString())
        .hasMessageContaining("vigil stack up");
  }

  @Test
  void anEndpointsFileWithoutMqttUrlIsNamed() throws Exception {
    Files.createDirectories(home.resolve(".vigil/stack"));
    Files.writeString(home.resolve(".vigil/stack/endpoints.properties"), "kafka.bootstrap.servers=127.0.0.1:9092\n");
    SimulateCommand c = parsed(command(Map.of()));
    assertThatThrownBy(() -> c.resolveMqttUrl(c.resolveConfig()))
        .isInstanceOf(VigilException.class).hasMessageContaining("mqtt.url").hasMessageContaining("--mqtt-url");
  }

  @Test
  void helpListsEveryOption() {
    String usage = new CommandLine(command(Map.of())).getUsageMessage();
    assertThat(usage).contains("--devices", "--duration", "--history", "--rate", "--qos", "--seed", "--interval",
        "--faults", "--labels", "--mqtt-url", "--topic-layout", "--speedup", "--config", "--set");
  }

  @Test
  void countOnlyRunNeedsNoBrokerAndWritesLabels() throws Exception {
    Path labels = home.resolve("labels.csv");
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(command(Map.of()));
    cl.setOut(new PrintWriter(out));
    int code = cl.execute("--devices", "5", "--history", "1h", "--duration", "0s", "--rate", "0",
        "--faults", "default,spike=0.05", "--labels", labels.toString(), "--set", "simulator.output=count");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("generated", "SPIKE", labels.toAbsolutePath().toString());
    assertThat(FaultLabels.read(labels)).isNotEmpty();
  }

  @Test
  void badOptionValuesFailWithTheKey() {
    CommandLine cl = new CommandLine(command(Map.of()));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("--qos", "5", "--set", "simulator.output=count");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("mqtt.qos");
  }
}
