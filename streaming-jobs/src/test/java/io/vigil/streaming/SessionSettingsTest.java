package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job's Spark settings are defaults: what the submitter set ({@code spark-submit --conf}, which
 * reaches the session as here through its SparkConf) survives the job's start.
 */
class SessionSettingsTest {
  private static final String PROVIDER = "spark.sql.streaming.stateStore.providerClass";
  private static final String HDFS_PROVIDER =
      "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";
  private static final String CHANGELOG = "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled";
  private static final String BOUNDED = "spark.sql.streaming.stateStore.rocksdb.boundedMemoryUsage";
  private static final String MAX_MEMORY = "spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB";
  private static final String STOP_TIMEOUT = "spark.sql.streaming.stopTimeout";
  private static final String COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";
  private static final String WRITERS = "spark.sql.maxConcurrentOutputFileWriters";
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder()
        .appName("SessionSettingsTest")
        .master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        // The submitter's choices, as spark-submit --conf passes them.
        .config(PROVIDER, HDFS_PROVIDER)
        .config(BOUNDED, "false")
        .config(STOP_TIMEOUT, "120000")
        .config(COMPRESSED, "true")
        .config(WRITERS, "0")
        .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static StreamingJobConfig config(String... settings) {
    return StreamingJobConfig.load(null, List.of(settings));
  }

  @Test
  void theSubmittersValuesSurviveAndTheRestGetTheJobsDefaults() {
    StreamingJob.configureSession(spark, config("job.stop.timeout=5s", "state.store.rocksdb.max.memory.mb=256"));

    RuntimeConfig conf = spark.conf();
    assertThat(conf.get(PROVIDER)).isEqualTo(HDFS_PROVIDER);
    assertThat(conf.get(BOUNDED)).isEqualTo("false");
    assertThat(conf.get(STOP_TIMEOUT)).isEqualTo("120000");
    assertThat(conf.get(COMPRESSED)).isEqualTo("true");
    assertThat(conf.get(WRITERS)).isEqualTo("0");
    // Not set by the submitter: the job's choice.
    assertThat(conf.get(CHANGELOG)).isEqualTo("true");
    assertThat(conf.get(MAX_MEMORY)).isEqualTo("256");
  }

  @Test
  void aLaterStartInTheSameSessionReplacesTheJobsOwnEarlierValuesOnly() {
    StreamingJob.configureSession(spark, config("state.store.rocksdb.max.memory.mb=256"));
    StreamingJob.configureSession(spark, config("state.store.rocksdb.max.memory.mb=128"));

    assertThat(spark.conf().get(MAX_MEMORY)).isEqualTo("128");
    assertThat(spark.conf().get(PROVIDER)).isEqualTo(HDFS_PROVIDER);
  }
}
