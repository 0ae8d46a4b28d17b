package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.testsupport.DeltaLogs;
import io.vigil.testsupport.KafkaServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/spark-submit runs the shaded job jar with the Maven-resolved Spark jars alone: no Spark
 * distribution, no SPARK_HOME. The job reads a small preloaded backlog from a real broker, writes
 * Delta, and stops by itself ({@code job.run.for}).
 */
class SparkSubmitLauncherIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path LAUNCHER = ROOT.resolve("scripts/spark-submit");
  private static final int DEVICES = 5;
  private static final int READINGS = 200;

  @TempDir Path dir;

  @Test
  void launcherRunsTheShadedJobJarWhichWritesDeltaAndStopsAfterRunFor() throws Exception {
    String telemetry = "it.launch.telemetry";
    kafka.createTopic(telemetry, 2);
    kafka.createTopic("it.launch.anomalies", 1);
    long now = System.currentTimeMillis();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (int i = 0; i < READINGS; i++) {
        String device = "dev-" + i % DEVICES;
        long ts = now - (READINGS - i) * 100L;
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(telemetry, device.getBytes(StandardCharsets.UTF_8),
            ("{\"ts\":" + ts + ",\"seq\":" + i + ",\"temperature\":" + (20 + i % 7) + "}").getBytes(StandardCharsets.UTF_8));
        r.headers().add(KafkaHeaders.MQTT_TOPIC, ("devices/" + device + "/telemetry").getBytes(StandardCharsets.UTF_8));
        producer.send(r);
      }
      producer.flush();
    }
    List<String> settings = List.of(
        "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
        "topics.telemetry=" + telemetry,
        "topics.anomalies=it.launch.anomalies",
        "tables.root=" + dir.resolve("tables"),
        "checkpoints.root=" + dir.resolve("checkpoints"),
        "trigger.interval=1s",
        // One query (the first by default, the one writing silver) is enough to prove the launcher,
        // and keeps the first batch well inside job.run.for on a busy two-core machine.
        StreamingJobConfig.QUERIES + "=" + StreamingJobConfig.defaults().queries().get(0),
        StreamingJobConfig.RUN_FOR + "=60s");
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString(), "--master", "local[2]",
        "--driver-memory", "1g", "--conf", "spark.ui.enabled=false",
        // Spark's default of 200 makes each stateful batch run 200 tasks: minutes on two cores.
        "--conf", "spark.sql.shuffle.partitions=2",
        // Likewise Delta's 50 partitions for reading a table's log.
        "--conf", "spark.databricks.delta.snapshotPartitions=2",
        "--class", StreamingMain.class.getName(), shadedJar().toString()));
    settings.forEach(s -> command.addAll(List.of("--set", s)));

    Path log = Path.of("target/spark-submit-launcher-it.log").toAbsolutePath(); // kept for a look after a failure
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().remove("SPARK_HOME"); // what a machine without a distribution looks like
    long started = System.nanoTime();
    Process process = pb.start();
    try {
      boolean exited = process.waitFor(150, TimeUnit.SECONDS);
      assertThat(exited).as("the job stops by itself after job.run.for; log:%n%s", tail(log)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    System.out.printf("spark-submit ran for %.1f s%n", (System.nanoTime() - started) / 1e9);
    assertThat(process.exitValue()).as("exit code; log:%n%s", tail(log)).isZero();
    // Spark's logging setup (from the launcher's jars; the job jar ships none) prints the job's own INFO lines.
    assertThat(Files.readString(log)).contains("Running for").contains("stopping streaming queries")
        .containsPattern(" INFO StreamingMain: Starting Vigil streaming job with ")
        .doesNotContain("StatusLogger").doesNotContain("could not find a logging implementation");

    // Read from the Delta log itself: starting Spark here would add half a minute to the test.
    Path silverLog = Path.of(StreamingJobConfig.load(null, settings).silverPath()).resolve("_delta_log");
    assertThat(DeltaLogs.recordsAdded(silverLog)).as("silver rows, one per reading; log:%n%s", tail(log))
        .isEqualTo(READINGS);
  }

  @Test
  void launcherRefusesAJavaOlderThan17WithAClearMessage() throws Exception {
    // A stand-in "java" that reports version 11 the way the launcher asks for it.
    Path bin = Files.createDirectories(dir.resolve("old-jdk/bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = 11' >&2\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--version").redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", dir.resolve("old-jdk").toString());
    Process process = pb.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).contains("Java 11").contains("JDK 17").contains("JAVA_HOME");
  }

  private static Path shadedJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target").toAbsolutePath())) {
      return files.filter(p -> p.getFileName().toString().matches("vigil-streaming-jobs-.*-spark\\.jar"))
          .findFirst().orElseThrow(() -> new AssertionError("no *-spark.jar in target/: was the package phase run?"));
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
