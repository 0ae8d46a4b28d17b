package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.streaming.internal.TablesBatch;
import io.vigil.testsupport.KafkaServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables and checkpoints on HDFS (Hadoop's MiniDFSCluster): written by the job, read back over
 * hdfs://. Also where a malformed message must land in quarantine and a late one in late_data,
 * each with its reason.
 */
class HdfsTablesIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  private static final Duration TIMEOUT = Duration.ofMinutes(8);
  private static final String TELEMETRY = "hdfs.telemetry";
  @TempDir static Path dfsDir;
  private static MiniDFSCluster dfs;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dfsDir.toString());
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
    spark = SparkSessions.local("HdfsTablesIT", 2);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  @Test
  void tablesAreWrittenToAndReadBackFromHdfsWithLateAndMalformedMessagesKept() throws Exception {
    kafka.createTopic(TELEMETRY, 1);
    String root = dfs.getURI() + "/vigil";
    StreamingJobConfig config = StreamingJobConfig.load(null, List.of(
        "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
        "topics.telemetry=" + TELEMETRY,
        "tables.root=" + root + "/tables",
        "checkpoints.root=" + root + "/checkpoints",
        "job.queries=tables,gold",
        "trigger.interval=1s",
        "silver.dedup.watermark=1m",
        "metrics.port=0"));
    long now = System.currentTimeMillis();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer();
        StreamingJob job = StreamingJob.start(spark, config)) {
      for (int i = 0; i < 10; i++) {
        producer.send(record("dev-1", "{\"ts\": " + (now + i * 1000) + ", \"seq\": " + i + ", \"t\": " + i + "}", now));
      }
      producer.send(record("dev-1", "not json at all", now));
      producer.flush();
      await("first readings in silver").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
          .until(() -> spark.read().format("delta").load(config.silverPath()).count() == 10);

      // dev-1's watermark is now its latest reading minus 1 minute: 5 minutes old is beyond it,
      // 30 s old is within it (kept in silver, counted as late).
      producer.send(record("dev-1", "{\"ts\": " + (now - 300_000) + ", \"seq\": 100, \"t\": 1}", now + 10_000));
      producer.send(record("dev-1", "{\"ts\": " + (now - 30_000) + ", \"seq\": 101, \"t\": 2}", now + 10_000));
      producer.flush();
      await("the late reading in late_data").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
          .until(() -> spark.read().format("delta").load(config.lateDataPath()).count() == 1);
      await("gold over all silver readings").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
        Row r = spark.read().format("delta").load(config.gold1hPath()).agg(org.apache.spark.sql.functions.sum("count")).first();
        return !r.isNullAt(0) && r.getLong(0) == 11;
      });
      assertThat(job.metrics().counter("late_within_watermark")).isEqualTo(1);
    }

    assertThat(config.silverPath()).startsWith("hdfs://");
    FileSystem fs = FileSystem.get(dfs.getURI(), new Configuration());
    for (String table : List.of("bronze", "silver", "late_data", "quarantine", "gold_1m", "gold_1h")) {
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(root + "/tables/" + table + "/_delta_log"))).as(table).isTrue();
    }
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(root + "/checkpoints/tables/v1/vigil/app-id"))).isTrue();
    assertThat(spark.read().format("delta").load(config.bronzePath()).count()).isEqualTo(13);
    assertThat(spark.read().format("delta").load(config.silverPath()).count()).isEqualTo(11);
    Row late = spark.read().format("delta").load(config.lateDataPath()).first();
    assertThat(late.<String>getAs("reason")).isEqualTo(TablesBatch.BEYOND_WATERMARK);
    assertThat(late.<String>getAs("message_id")).isEqualTo("100");
    assertThat(late.<Long>getAs("lateness_ms")).isEqualTo(300_000 + 9_000 - 60_000);
    Row bad = spark.read().format("delta").load(config.quarantinePath()).first();
    assertThat(bad.<String>getAs("reason")).isEqualTo("NOT_JSON");
    assertThat(new String(bad.<byte[]>getAs("payload"), StandardCharsets.UTF_8)).isEqualTo("not json at all");
    assertThat(spark.read().format("delta").load(config.gold1mPath()).where("device_id = 'dev-1'").count()).isPositive();
  }

  private static ProducerRecord<byte[], byte[]> record(String device, String payload, long arrivalMs) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(TELEMETRY, device.getBytes(StandardCharsets.UTF_8),
        payload.getBytes(StandardCharsets.UTF_8));
    r.headers().add(KafkaHeaders.MQTT_TOPIC, ("devices/" + device + "/telemetry").getBytes(StandardCharsets.UTF_8));
    r.headers().add(KafkaHeaders.ARRIVAL_MILLIS, Long.toString(arrivalMs).getBytes(StandardCharsets.UTF_8));
    return r;
  }
}
