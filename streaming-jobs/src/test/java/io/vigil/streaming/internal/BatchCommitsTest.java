package io.vigil.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.delta.tables.DeltaTable;
import io.vigil.streaming.SparkSessions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays after a crash commit each table once; batches of one run are not checked. */
class BatchCommitsTest {
  private static final String APP = "vigil-test-app";
  private static SparkSession spark;

  @TempDir Path dir;
  private String first;
  private String second;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("BatchCommitsTest", 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @BeforeEach
  void tables() {
    first = dir.resolve("first").toString();
    second = dir.resolve("second").toString();
    for (String path : List.of(first, second)) {
      spark.range(0).selectExpr("id as batch").write().format("delta").save(path);
    }
  }

  private static Dataset<Row> rowsOf(long batchId) {
    return spark.range(3).selectExpr("cast(" + batchId + " as bigint) as batch");
  }

  private static List<Long> batchesIn(String path) {
    return spark.read().format("delta").load(path).orderBy("batch").as(org.apache.spark.sql.Encoders.LONG()).collectAsList();
  }

  private static List<Long> threeOf(long... batches) {
    return LongStream.of(batches).flatMap(b -> LongStream.of(b, b, b)).boxed().toList();
  }

  @Test
  void aReplayedBatchSkipsTheTableThatCommittedItAndWritesTheOther() {
    BatchCommits run1 = new BatchCommits(APP);
    run1.begin(0);
    assertThat(run1.append(rowsOf(0), first, 0)).isTrue();
    assertThat(run1.append(rowsOf(0), second, 0)).isTrue();
    run1.end(0);
    run1.begin(1);
    run1.append(rowsOf(1), first, 1);
    // crash: the second table never got batch 1, and the batch never ended

    BatchCommits run2 = new BatchCommits(APP);
    run2.begin(1);
    assertThat(run2.append(rowsOf(1), first, 1)).as("already committed").isFalse();
    assertThat(run2.append(rowsOf(1), second, 1)).isTrue();
    run2.end(1);

    assertThat(batchesIn(first)).isEqualTo(threeOf(0, 1));
    assertThat(batchesIn(second)).isEqualTo(threeOf(0, 1));
    assertThat(DeltaTable.forPath(spark, second).history(1).select("userMetadata").first().getString(0))
        .isEqualTo("vigil-batch app=" + APP + " batch=1");
  }

  @Test
  void aBatchRetriedByTheSameInstanceAfterItFailedIsChecked() {
    BatchCommits commits = new BatchCommits(APP);
    commits.begin(0);
    commits.append(rowsOf(0), first, 0);
    commits.end(0);
    commits.begin(1);
    commits.append(rowsOf(1), first, 1);
    // batch 1 failed before end(); the query runs it again
    commits.begin(1);
    assertThat(commits.append(rowsOf(1), first, 1)).isFalse();
    commits.end(1);

    assertThat(batchesIn(first)).isEqualTo(threeOf(0, 1));
  }

  @Test
  void theBatchAfterACompletedOneIsWrittenWithoutReadingHistory() {
    // Another writer claims batch 1 for this app (it cannot happen while this query runs): a
    // trusted batch does not look, which is what keeps a batch free of history reads.
    BatchCommits other = new BatchCommits(APP);
    other.begin(1);
    other.append(rowsOf(1), first, 1);
    other.end(1);

    BatchCommits commits = new BatchCommits(APP);
    commits.begin(0);
    assertThat(commits.mode(spark, first, 0)).isEqualTo(BatchCommits.Mode.SKIP);
    commits.end(0);
    commits.begin(1);
    assertThat(commits.mode(spark, first, 1)).isEqualTo(BatchCommits.Mode.WRITE);
  }

  @Test
  void commitsOfOthersOnTopDoNotHideThisQuerysLastBatch() {
    BatchCommits mine = new BatchCommits(APP);
    mine.begin(5);
    mine.append(rowsOf(5), first, 5);
    mine.end(5);
    rowsOf(100).write().format("delta").mode("append").save(first); // no marker, e.g. a manual fix
    BatchCommits other = new BatchCommits("vigil-other-app");
    other.begin(9);
    other.append(rowsOf(9), first, 9);
    other.end(9);

    BatchCommits restarted = new BatchCommits(APP);
    restarted.begin(5);
    assertThat(restarted.mode(spark, first, 5)).isEqualTo(BatchCommits.Mode.SKIP);
    restarted.begin(6);
    assertThat(restarted.mode(spark, first, 6)).isEqualTo(BatchCommits.Mode.WRITE);
  }

  @Test
  void aTableWrittenWithDeltaTransactionIdsOnlyFallsBackToDeltasCheck() {
    // How Vigil before commit markers wrote: txnAppId/txnVersion and nothing else.
    rowsOf(3).write().format("delta").mode("append").option("txnAppId", APP).option("txnVersion", 3).save(first);

    BatchCommits commits = new BatchCommits(APP);
    commits.begin(3);
    assertThat(commits.mode(spark, first, 3)).isEqualTo(BatchCommits.Mode.WRITE_WITH_TXN);
    commits.append(rowsOf(3), first, 3); // Delta sees version 3 of this app: writes nothing
    commits.end(3);
    commits.begin(4);
    commits.append(rowsOf(4), first, 4);
    commits.end(4);

    assertThat(batchesIn(first)).isEqualTo(threeOf(3, 4));
  }

  @Test
  void dmlIsSkippedOnReplayAndCarriesTheMarker() {
    BatchCommits run1 = new BatchCommits(APP);
    run1.begin(0);
    run1.append(rowsOf(0), first, 0);
    run1.end(0);
    run1.begin(1);
    assertThat(run1.dml(spark, first, 1, () -> DeltaTable.forPath(spark, first).updateExpr(
        java.util.Map.of("batch", "batch + 10")))).isTrue();

    BatchCommits run2 = new BatchCommits(APP);
    run2.begin(1);
    assertThat(run2.dml(spark, first, 1, () -> DeltaTable.forPath(spark, first).updateExpr(
        java.util.Map.of("batch", "batch + 10")))).isFalse();

    assertThat(batchesIn(first)).isEqualTo(threeOf(10));
    assertThat(spark.conf().getOption(BatchCommits.USER_METADATA_CONF).isDefined()).as("conf left set").isFalse();
  }

  @Test
  void writingOutsideTheBatchInProgressIsABug() {
    BatchCommits commits = new BatchCommits(APP);
    commits.begin(2);
    assertThatThrownBy(() -> commits.append(rowsOf(3), first, 3)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("batch 3");
  }

  private static final CountDownLatch READING = new CountDownLatch(1);
  private static final CountDownLatch COMPACTED = new CountDownLatch(1);
  private static final AtomicInteger EVALUATIONS = new AtomicInteger();

  @Test
  void anAppendThatReadItsTableIsRetriedWhenACompactionRewroteWhatItRead() throws Exception {
    // Two files in one partition for OPTIMIZE to compact, as maintenance does with an old silver date.
    String table = dir.resolve("partitioned").toString();
    for (long id = 0; id < 2; id++) {
      spark.range(id, id + 1).selectExpr("cast(1 as int) as day", "id as batch").write().format("delta")
          .mode("append").partitionBy("day").save(table);
    }
    // Like silver's dedup: the rows read the table they are appended to. The first evaluation waits
    // until the compaction has committed, so the append's commit comes second and conflicts.
    UserDefinedFunction pause = udf((UDF1<Long, Long>) id -> {
      if (EVALUATIONS.getAndIncrement() == 0) {
        READING.countDown();
        if (!COMPACTED.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the compaction did not happen");
        }
      }
      return id + 10;
    }, DataTypes.LongType).asNondeterministic();
    Dataset<Row> rows = spark.read().format("delta").load(table).where("day = 1").coalesce(1)
        .select(col("day"), pause.apply(col("batch")).as("batch"));

    BatchCommits commits = new BatchCommits(APP);
    commits.begin(0);
    ExecutorService compactor = Executors.newSingleThreadExecutor();
    try {
      Future<?> compaction = compactor.submit(() -> {
        READING.await(60, TimeUnit.SECONDS);
        try {
          DeltaTable.forPath(spark, table).optimize().executeCompaction();
        } finally {
          COMPACTED.countDown();
        }
        return null;
      });
      assertThat(commits.append(rows, table, 0)).isTrue();
      compaction.get(60, TimeUnit.SECONDS);
    } finally {
      compactor.shutdownNow();
    }
    commits.end(0);

    List<String> operations = DeltaTable.forPath(spark, table).history().orderBy("version")
        .select("operation").as(Encoders.STRING()).collectAsList();
    assertThat(String.join(", ", operations)).as("the compaction came first, the append was committed once after it")
        .isEqualTo("WRITE, WRITE, OPTIMIZE, WRITE");
    assertThat(EVALUATIONS.get()).as("rows evaluated by the failed attempt and again by the retry").isGreaterThan(2);
    assertThat(spark.read().format("delta").load(table).select("batch").as(Encoders.LONG()).collectAsList())
        .as("the table's two rows and their two copies, once").containsExactlyInAnyOrder(0L, 1L, 10L, 11L);
  }
}
