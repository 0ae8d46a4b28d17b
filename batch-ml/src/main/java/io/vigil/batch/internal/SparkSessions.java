package io.vigil.batch.internal;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** SparkSessions with Delta enabled, for tests, local runs and spark-submit. */
public final class SparkSessions {
  public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  private SparkSessions() {}

  /** A small in-process session: local[2], two shuffle partitions, no UI, UTC. */
  public static SparkSession local(String appName) {
    return onLoopback(withDelta(SparkSession.builder().master("local[2]").appName(appName)))
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        // Delta rebuilds table state with 50 partitions by default: far too many for a laptop-sized table.
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .getOrCreate();
  }

  /**
   * The session of a job: whatever spark-submit configured, run locally on all cores when no
   * master was given, with Delta added unless the submitter set the extension itself.
   */
  public static SparkSession forJob(String appName) {
    SparkConf submitted = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (!submitted.contains("spark.master")) {
      onLoopback(builder.master("local[*]"));
      if (!submitted.contains("spark.ui.enabled")) {
        builder.config("spark.ui.enabled", "false"); // the UI would listen on every interface
      }
    }
    if (!submitted.contains("spark.sql.extensions")) {
      builder.config("spark.sql.extensions", DELTA_EXTENSION);
    }
    if (!submitted.contains("spark.sql.catalog.spark_catalog")) {
      builder.config("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
    }
    return builder.getOrCreate();
  }

  // An in-process driver talks only to itself; without this Spark binds the first non-loopback interface.
  private static SparkSession.Builder onLoopback(SparkSession.Builder builder) {
    return builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
  }

  private static SparkSession.Builder withDelta(SparkSession.Builder builder) {
    return builder.config("spark.sql.extensions", DELTA_EXTENSION).config("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
  }
}
