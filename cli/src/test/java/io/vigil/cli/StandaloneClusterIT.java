package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.batch.ForecastJobConfig;
import io.vigil.batch.ForecastMain;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.streaming.StreamingJobConfig;
import io.vigil.streaming.StreamingMain;
import io.vigil.testsupport.DeltaLogs;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.SparkClusterExtension;
import io.vigil.testsupport.SparkClusterExtension.Worker;
import io.vigil.testsupport.SparkEventLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster runs: the streaming and the forecasting job's spark-submit jars, submitted through Spark's
 * own SparkSubmit to a standalone cluster (a Master and two Workers from the Maven-resolved Spark
 * jars), run their work on the workers' executors. The streaming job reads real Kafka into silver and
 * stops by itself (job.run.for); the forecasting job then trains and registers a model on that silver.
 * Proof that executors did the work, per application: its event log shows successful tasks on
 * executors of both workers and none anywhere else, the master lists it as FINISHED, and each worker
 * kept the executor's stderr in its work directory.
 */
class StandaloneClusterIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final SparkClusterExtension cluster = new SparkClusterExtension(2, 1, "768m");

  private static final Path JOB_JARS = Path.of("target/job-jars").toAbsolutePath();
  private static final int DEVICES = 4;
  private static final Duration READING_INTERVAL = Duration.ofSeconds(10);
  /** Two hours of readings per device: 2,880 records, enough history for a 1-minute forecast model. */
  private static final int READINGS_PER_DEVICE = 720;
  /** Generous: on a two-core machine shared with other builds one job has taken three and a half minutes. */
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);

  @TempDir Path dir;

  @Test
  void streamingAndForecastJobsRunOnTheWorkersExecutors() throws Exception {
    String telemetry = "it.cluster.telemetry";
    kafka.createTopic(telemetry, 4); // four partitions: Kafka tasks for both executors
    kafka.createTopic("it.cluster.anomalies", 1);
    Instant asOf = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    produceReadings(telemetry, asOf);

    // 1. The streaming job: Kafka -> bronze/silver, one query, stopping by itself at a batch boundary.
    List<String> streamSettings = List.of(
        StreamingJobConfig.KAFKA_BOOTSTRAP_SERVERS + "=" + kafka.bootstrapServers(),
        StreamingJobConfig.TELEMETRY_TOPIC + "=" + telemetry,
        StreamingJobConfig.ANOMALIES_TOPIC + "=it.cluster.anomalies",
        StreamingJobConfig.TABLES_ROOT + "=" + dir.resolve("tables"),
        StreamingJobConfig.CHECKPOINT_ROOT + "=" + dir.resolve("checkpoints"),
        StreamingJobConfig.QUERIES + "=" + StreamingJobConfig.QUERY_TABLES,
        StreamingJobConfig.TRIGGER_INTERVAL + "=2s",
        // The first batch takes the whole backlog and must start within run.for; the stop then waits
        // for it to commit (a cold executor on a busy two-core machine needs well over the default 30 s).
        StreamingJobConfig.RUN_FOR + "=20s",
        StreamingJobConfig.STOP_TIMEOUT + "=150s",
        StreamingJobConfig.METRICS_PORT + "=0");
    List<String> stream = new ArrayList<>(clusterConfs());
    stream.addAll(List.of("--class", StreamingMain.class.getName(), jobJar("vigil-streaming-jobs-spark.jar").toString()));
    streamSettings.forEach(s -> stream.addAll(List.of("--set", s)));
    Path streamLog = Path.of("target/standalone-cluster-it-stream.log").toAbsolutePath(); // kept for a look after a failure
    Files.deleteIfExists(streamLog);
    long started = System.nanoTime();
    int streamExit = cluster.submit(streamLog, JOB_TIMEOUT, stream);
    System.out.printf("streaming job on the cluster: %.1f s%n", (System.nanoTime() - started) / 1e9);
    assertThat(streamExit).as("streaming job exit code; see %s", streamLog).isZero();
    assertLogsAtInfo(streamLog, " INFO StreamingMain: Starting Vigil streaming job with ");
    String silver = StreamingJobConfig.load(null, streamSettings).silverPath();
    assertThat(DeltaLogs.recordsAdded(Path.of(silver, "_delta_log"))).as("silver rows, one per reading; see %s", streamLog)
        .isEqualTo(DEVICES * READINGS_PER_DEVICE);

    // 2. The forecasting job trains on that silver table and registers a model.
    Path forecasts = dir.resolve("tables/forecasts");
    List<String> train = new ArrayList<>(clusterConfs());
    train.addAll(List.of("--conf", "spark.default.parallelism=2",
        "--class", ForecastMain.class.getName(), jobJar("vigil-batch-ml-spark.jar").toString(),
        "--train", "--as-of", asOf.toString()));
    for (String s : List.of(
        ForecastJobConfig.SILVER_PATH + "=" + silver,
        ForecastJobConfig.FORECASTS_PATH + "=" + forecasts,
        // One-minute buckets over the two hours: 120 per series; a 10-bucket season, 3 ahead.
        ForecastJobConfig.RESOLUTION + "=native",
        ForecastJobConfig.NATIVE_STEP + "=1m",
        ForecastJobConfig.HISTORY + "=2h",
        ForecastJobConfig.SEASON_LENGTH + "=10",
        ForecastJobConfig.HORIZON + "=3",
        ForecastJobConfig.MODEL_LAGS + "=3",
        ForecastJobConfig.BACKTEST_ORIGINS + "=2",
        // Small trees, trained once (no refit after the backtest): the point is where they train.
        ForecastJobConfig.MODEL_MAX_ITER + "=3",
        ForecastJobConfig.MODEL_MAX_DEPTH + "=3",
        ForecastJobConfig.MODEL_REFIT + "=false")) {
      train.addAll(List.of("--set", s));
    }
    Path trainLog = Path.of("target/standalone-cluster-it-train.log").toAbsolutePath();
    Files.deleteIfExists(trainLog);
    started = System.nanoTime();
    int trainExit = cluster.submit(trainLog, JOB_TIMEOUT, train);
    System.out.printf("forecast training on the cluster: %.1f s%n", (System.nanoTime() - started) / 1e9);
    assertThat(trainExit).as("forecast training exit code; see %s", trainLog).isZero();
    assertLogsAtInfo(trainLog, " INFO ForecastMain: Done: model ");
    JsonNode model = onlyModel(dir.resolve("tables/models"));
    assertThat(model.path("asOf").asText()).isEqualTo(asOf.toString());
    assertThat(model.path("trainingRows").asLong()).as("training rows").isPositive();
    assertThat(model.path("backtest").path("seriesScored").asInt()).as("series backtested; see %s", trainLog)
        .isEqualTo(DEVICES);

    // 3. Where the work ran.
    List<SparkEventLog> apps = SparkEventLog.readAll(cluster.eventLogDir());
    assertThat(apps).extracting(SparkEventLog::appName)
        .containsExactlyInAnyOrder(StreamingMain.class.getName(), "vigil-forecast");
    for (SparkEventLog app : apps) {
      assertThat(app.completed()).as("%s ended cleanly", app.appName()).isTrue();
      assertThat(app.executorLogPorts()).as("%s got one executor per worker", app.appName())
          .hasSize(cluster.workers().size());
      Map<Optional<Worker>, Long> tasks = cluster.successfulTasksPerWorker(app);
      System.out.printf("%s (%s): successful tasks per worker %s%n", app.appName(), app.appId(), tasks.entrySet().stream()
          .map(e -> e.getKey().map(w -> "worker-" + w.index()).orElse("no worker") + "=" + e.getValue()).toList());
      assertThat(tasks.keySet()).as("%s: successful tasks per worker %s", app.appName(), tasks)
          .containsExactlyInAnyOrderElementsOf(cluster.workers().stream().map(Optional::of).toList());
      assertThat(tasks.values()).allMatch(n -> n > 0);

      // The driver's exit is what tells the master and the workers: give their bookkeeping a moment.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
          StreamSupport.stream(cluster.masterState().path("completedapps").spliterator(), false)
              .filter(a -> a.path("id").asText().equals(app.appId())).map(a -> a.path("state").asText()).toList())
          .as("the master's record of %s", app.appId()).containsExactly("FINISHED"));
      for (String executorId : app.executorLogPorts().keySet()) {
        Worker worker = cluster.workers().stream()
            .filter(w -> w.webUiPort() == app.executorLogPorts().get(executorId)).findFirst().orElseThrow();
        assertThat(worker.workDir().resolve(app.appId()).resolve(executorId).resolve("stderr"))
            .as("executor %s of %s in worker %d's work dir", executorId, app.appId(), worker.index()).isNotEmptyFile();
      }
    }
    for (Worker w : cluster.workers()) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
          StreamSupport.stream(cluster.workerState(w).path("finishedexecutors").spliterator(), false)
              .map(e -> e.path("appid").asText()).toList())
          .as("worker %d ran an executor of each application", w.index())
          .containsExactlyInAnyOrderElementsOf(apps.stream().map(SparkEventLog::appId).toList()));
    }
  }

  /** Settings both submissions share: one 1-core executor per worker, scheduling only once both joined. */
  private static List<String> clusterConfs() {
    return List.of(
        "--conf", "spark.executor.memory=512m",
        "--conf", "spark.executor.cores=1",
        "--conf", "spark.cores.max=2",
        // Standalone starts scheduling at once by default; a first stage then runs on whichever
        // executor registered first. Waiting for all of them spreads the work over both workers.
        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
        // Spark's 200 shuffle partitions and Delta's 50 snapshot partitions are minutes of tiny tasks on two cores.
        "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.databricks.delta.snapshotPartitions=2");
  }

  /** Readings every 10 s up to as_of: a 10-minute cycle plus noise, one metric each, as the bridge writes them. */
  private static void produceReadings(String topic, Instant asOf) {
    Random noise = new Random(7);
    long first = asOf.toEpochMilli() - READINGS_PER_DEVICE * READING_INTERVAL.toMillis();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (int i = 0; i < READINGS_PER_DEVICE; i++) {
        long ts = first + i * READING_INTERVAL.toMillis();
        for (int d = 0; d < DEVICES; d++) {
          String device = "dev-" + d;
          double temperature = 20 + 2 * d + 3 * Math.sin(2 * Math.PI * (ts % 600_000) / 600_000.0) + 0.3 * noise.nextGaussian();
          ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, device.getBytes(StandardCharsets.UTF_8),
              String.format(java.util.Locale.ROOT, "{\"ts\":%d,\"seq\":%d,\"temperature\":%.3f}", ts, i, temperature)
                  .getBytes(StandardCharsets.UTF_8));
          r.headers().add(KafkaHeaders.MQTT_TOPIC, ("devices/" + device + "/telemetry").getBytes(StandardCharsets.UTF_8));
          r.headers().add(KafkaHeaders.ARRIVAL_MILLIS, Long.toString(ts).getBytes(StandardCharsets.UTF_8));
          producer.send(r);
        }
      }
      producer.flush();
    }
  }

  private static Path jobJar(String name) {
    Path jar = JOB_JARS.resolve(name);
    assertThat(jar).as("%s: copied by the cli pom's copy-job-jars execution (pre-integration-test)", jar).isRegularFile();
    return jar;
  }

  /** The registry's one complete model version (metadata.json is written last). */
  private static JsonNode onlyModel(Path registry) throws IOException {
    List<Path> metadata;
    try (Stream<Path> versions = Files.list(registry)) {
      metadata = versions.map(v -> v.resolve("metadata.json")).filter(Files::isRegularFile).toList();
    }
    assertThat(metadata).as("model versions in %s", registry).hasSize(1);
    return new ObjectMapper().readTree(metadata.get(0).toFile());
  }

  /** The job jar ships no logging setup: Spark's (from the submitting side's jars) prints the job's own INFO lines. */
  private static void assertLogsAtInfo(Path log, String line) throws java.io.IOException {
    assertThat(Files.readString(log)).as("see %s", log).contains(line)
        .doesNotContain("StatusLogger").doesNotContain("could not find a logging implementation");
  }
}
