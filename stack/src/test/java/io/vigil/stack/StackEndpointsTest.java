package io.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackEndpointsTest {
  @TempDir Path dir;

  @Test
  void missingFileMeansNoStackIsRunning() {
    Path file = dir.resolve("endpoints.properties");
    assertThatThrownBy(() -> StackEndpoints.load(file)).isInstanceOf(VigilException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("vigil stack up");
  }

  @Test
  void writtenEndpointsLoadBackWithTheDefaultTopics() {
    Path file = dir.resolve("endpoints.properties");
    StackEndpoints.of(file, "127.0.0.1:19092", "tcp://127.0.0.1:11883", "embedded").write();

    StackEndpoints loaded = StackEndpoints.load(file);

    assertThat(loaded.kafkaBootstrapServers()).isEqualTo("127.0.0.1:19092");
    assertThat(loaded.mqttUrl()).isEqualTo("tcp://127.0.0.1:11883");
    assertThat(loaded.mqttBroker()).isEqualTo("embedded");
    assertThat(loaded.telemetryTopic()).isEqualTo("vigil.telemetry");
    assertThat(loaded.anomaliesTopic()).isEqualTo("vigil.anomalies");
    assertThat(loaded.deadLetterTopic()).isEqualTo("vigil.deadletter");
    assertThat(loaded.deviceStatusTopic()).isEqualTo("vigil.device-status");
  }

  @Test
  void aFileWithoutTheKafkaEndpointIsRejectedNamingTheKey() throws Exception {
    Path file = dir.resolve("endpoints.properties");
    Files.writeString(file, "mqtt.url=tcp://127.0.0.1:11883\n");
    assertThatThrownBy(() -> StackEndpoints.load(file)).isInstanceOf(VigilException.class)
        .hasMessageContaining("kafka.bootstrap.servers");
  }

  @Test
  void defaultFileLivesInTheStackDirUnderVigilHome() {
    assertThat(StackEndpoints.defaultFile()).isEqualTo(StackEndpoints.defaultStackDir().resolve("endpoints.properties"));
    assertThat(StackEndpoints.defaultStackDir().getFileName().toString()).isEqualTo("stack");
  }
}
