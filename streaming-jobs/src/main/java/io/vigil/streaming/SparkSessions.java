package io.vigil.streaming;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SparkSessions with Delta enabled: a small local one, and one that respects spark-submit. */
public final class SparkSessions {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

  public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";
  static final String DELTA_SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";
  /**
   * Every micro-batch plans its queries anew, and Spark generates and compiles code for each plan.
   * Its cache of compiled classes holds 100 by default, fewer than the job's queries need per
   * round of batches: each batch then loads new classes, and the JIT keeps recompiling what they
   * displace (measured: 40% of the driver's CPU in the JIT's threads). 2,000 keeps them all.
   */
  static final String CODEGEN_CACHE_ENTRIES = "spark.sql.codegen.cache.maxEntries";
  static final String CODEGEN_CACHE_SIZE = "2000";

  private SparkSessions() {}

  /**
   * A local session for tests and local runs: {@code local[threads]}, few shuffle partitions (the
   * default 200 makes every tiny stateful batch run 200 tasks) and Delta snapshot partitions (its
   * default 50 makes every read of a table's log run 50 tasks), no UI, UTC session time zone.
   */
  public static SparkSession local(String appName, int threads) {
    return SparkSession.builder()
        .appName(appName)
        .master("local[" + threads + "]")
        .config("spark.sql.extensions", DELTA_EXTENSION)
        .config("spark.sql.catalog.spark_catalog", DELTA_CATALOG)
        .config("spark.sql.shuffle.partitions", Integer.toString(Math.max(1, threads)))
        .config(DELTA_SNAPSHOT_PARTITIONS, Integer.toString(Math.max(1, threads)))
        .config(CODEGEN_CACHE_ENTRIES, CODEGEN_CACHE_SIZE)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  /**
   * The session for the job. Under spark-submit the master and cluster settings come from
   * spark-submit (as {@code spark.*} system properties) and are left alone; only the Delta settings
   * are added when missing. Run as a plain JVM (no master set) it falls back to {@link #local}.
   */
  public static SparkSession forJob(String appName) {
    SparkConf conf = new SparkConf(); // loads spark.* system properties, i.e. spark-submit's settings
    if (!conf.contains("spark.master")) {
      LOG.info("No spark.master set: running locally");
      return local(appName, Runtime.getRuntime().availableProcessors());
    }
    String extensions = conf.get("spark.sql.extensions", "");
    if (!extensions.contains(DELTA_EXTENSION)) {
      conf.set("spark.sql.extensions", extensions.isBlank() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
    }
    conf.setIfMissing("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing(CODEGEN_CACHE_ENTRIES, CODEGEN_CACHE_SIZE);
    String master = conf.get("spark.master");
    if (master.startsWith("local")) {
      // spark-submit --master local[N]: one machine, so size partitions to its cores, as local() does.
      String cores = Integer.toString(Runtime.getRuntime().availableProcessors());
      conf.setIfMissing("spark.sql.shuffle.partitions", cores);
      conf.setIfMissing(DELTA_SNAPSHOT_PARTITIONS, cores);
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
