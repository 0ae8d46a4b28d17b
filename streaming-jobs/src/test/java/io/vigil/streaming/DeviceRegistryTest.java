package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceRegistryTest {
  @Test
  void theExampleRegistryInConfParses() {
    DeviceRegistry r = DeviceRegistry.fromCsv(Path.of("..", "conf", "device-registry.csv"));
    assertThat(r.entries()).extracting(DeviceRegistry.Entry::deviceId).containsExactly("dev-0001", "dev-0002", "gateway-7");
    assertThat(r.entries().get(0).expectedInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(r.entries().get(0).metrics()).containsExactly("temperature", "humidity");
    assertThat(r.entries().get(2).metrics()).isEmpty();
  }

  @Test
  void seedsOneRegisteredStatePerDevice() {
    DeviceRegistry r = DeviceRegistry.parseCsv("test", "# comment\nsensor-a,500ms\n\nsensor-b, PT2M ,noise\n");
    List<DeviceState> states = r.initialStates();
    assertThat(states).extracting(DeviceState::getDeviceId).containsExactly("sensor-a", "sensor-b");
    assertThat(states).extracting(DeviceState::status).containsOnly(DeviceState.Status.REGISTERED);
    assertThat(states).extracting(DeviceState::getRegistryIntervalMs).containsExactly(500L, 120_000L);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "sensor-a | line 1 ('sensor-a') needs at least device_id,expected_interval",
      "sensor-a,often | expected_interval 'often'",
      "sensor-a,0s | not above zero",
      "sensor-a,5s;sensor-a,10s | registers sensor-a a second time",
      ",5s | needs at least device_id,expected_interval",
  })
  void badEntriesAreRefusedNamingTheLine(String csv, String problem) {
    assertThatThrownBy(() -> DeviceRegistry.parseCsv("registry.csv", csv.replace(';', '\n')))
        .isInstanceOf(VigilException.class)
        .hasMessageContaining("registry.csv")
        .hasMessageContaining("device.watch.registry.path")
        .hasMessageContaining(problem);
  }

  @Test
  void aMissingFileIsAClearError() {
    assertThatThrownBy(() -> DeviceRegistry.fromCsv(Path.of("/nonexistent/registry.csv")))
        .isInstanceOf(VigilException.class).hasMessageContaining("/nonexistent/registry.csv").hasMessageContaining("cannot be read");
  }
}
