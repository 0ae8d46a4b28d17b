package io.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackIT {
  @TempDir Path dir;
  private LocalStack stack;
  private final List<Long> seenPids = new ArrayList<>();

  @AfterEach
  void leaveNothingBehind() {
    if (stack != null) {
      stack.down(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
    assertThat(seenPids).allSatisfy(pid -> assertThat(alive(pid)).as("pid %d alive", pid).isFalse());
  }

  @Test
  void upStatusDownTwiceInARow() throws Exception {
    int[] ports = freePorts(3);
    LocalStackSettings settings = LocalStackSettings.defaults().withDir(dir)
        .withPorts(ports[0], ports[1], ports[2]).withMqttBroker(MqttBrokerChoice.AUTO)
        .withTimeout(Duration.ofSeconds(120));
    stack = new LocalStack(settings);

    for (int round = 1; round <= 2; round++) {
      StackEndpoints endpoints = stack.up(quiet());

      assertThat(endpoints.kafkaBootstrapServers()).isEqualTo("127.0.0.1:" + ports[1]);
      assertThat(endpoints.mqttUrl()).isEqualTo("tcp://127.0.0.1:" + ports[0]);
      assertThat(endpoints.mqttBroker()).isEqualTo(MosquittoBroker.isInstalled() ? "mosquitto" : "embedded");
      assertThat(StackEndpoints.load(dir.resolve("endpoints.properties"))).isEqualTo(endpoints);
      Properties file = new Properties();
      try (var r = Files.newBufferedReader(dir.resolve("endpoints.properties"))) {
        file.load(r);
      }
      assertThat(file).containsEntry("kafka.bootstrap.servers", "127.0.0.1:" + ports[1])
          .containsEntry("mqtt.url", "tcp://127.0.0.1:" + ports[0])
          .containsEntry("topics.telemetry", "vigil.telemetry")
          .containsEntry("topics.anomalies", "vigil.anomalies")
          .containsEntry("topics.deadletter", "vigil.deadletter")
          .containsEntry("topics.device.status", "vigil.device-status");
      assertThat(partitions(endpoints.kafkaBootstrapServers())).isEqualTo(DefaultTopics.partitions());

      List<ComponentStatus> status = stack.status();
      assertThat(status).hasSize(2).allMatch(ComponentStatus::ready).allMatch(s -> s.pid().isPresent());
      status.forEach(s -> seenPids.add(s.pid().getAsLong()));
      assertThat(StackCommand.commandLine().execute("status", "--dir", dir.toString())).isZero();

      ByteArrayOutputStream again = new ByteArrayOutputStream();
      assertThat(stack.up(new PrintStream(again, true, StandardCharsets.UTF_8))).isEqualTo(endpoints);
      assertThat(again.toString(StandardCharsets.UTF_8)).contains("already running");
      assertThat(stack.status()).extracting(s -> s.pid().getAsLong())
          .containsExactlyElementsOf(status.stream().map(s -> s.pid().getAsLong()).toList());

      stack.down(quiet());

      assertThat(seenPids).allSatisfy(pid -> assertThat(alive(pid)).as("pid %d alive after down", pid).isFalse());
      assertThat(dir.resolve("endpoints.properties")).doesNotExist();
      assertThat(stack.status()).noneMatch(ComponentStatus::ready);
      assertThat(StackCommand.commandLine().execute("status", "--dir", dir.toString())).isEqualTo(1);
      stack.down(quiet()); // down when nothing runs succeeds
    }
  }

  @Test
  void stalePidFilesAreIgnoredAndNeverKillAStranger() throws Exception {
    int[] ports = freePorts(3);
    stack = new LocalStack(LocalStackSettings.defaults().withDir(dir).withPorts(ports[0], ports[1], ports[2]));
    long self = ProcessHandle.current().pid();
    Files.createDirectories(dir.resolve("kafka"));
    Files.createDirectories(dir.resolve("mosquitto"));
    Files.writeString(dir.resolve("kafka/kafka.pid"), self + "\n"); // alive, but not a process of ours
    Files.writeString(dir.resolve("mosquitto/mosquitto.pid"), "999999999\n"); // no such process

    assertThat(stack.status()).noneMatch(ComponentStatus::ready).allMatch(s -> s.pid().isEmpty());
    stack.down(quiet());

    assertThat(ProcessHandle.current().isAlive()).isTrue();
    assertThat(dir.resolve("kafka/kafka.pid")).doesNotExist();
    assertThat(dir.resolve("mosquitto/mosquitto.pid")).doesNotExist();

    StackEndpoints endpoints = stack.up(quiet()); // stale files do not stop a fresh start
    assertThat(endpoints.kafkaBootstrapServers()).isEqualTo("127.0.0.1:" + ports[1]);
    stack.status().forEach(s -> seenPids.add(s.pid().getAsLong()));
    assertThat(seenPids).doesNotContain(self);
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static java.util.Map<String, Integer> partitions(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
      for (String t : DefaultTopics.partitions().keySet()) {
        TopicDescription d = admin.describeTopics(List.of(t)).allTopicNames().get().get(t);
        out.put(t, d.partitions().size());
      }
      return out;
    }
  }

  static int[] freePorts(int n) throws Exception {
    List<ServerSocket> held = new ArrayList<>();
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        held.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return ports;
  }
}
