package io.vigil.cli.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Executor CPU of tasks, summed per streaming query. The queries of a job share one JVM, so its CPU
 * alone does not say which query to make cheaper; Spark tags each job with the query that ran it.
 */
final class QueryCpuMeter extends SparkListener {
  // Structured Streaming's local property naming the query a job belongs to (StreamExecution.QUERY_ID_KEY).
  private static final String QUERY_ID = "sql.streaming.queryId";

  private final Map<Integer, String> stageQuery = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> nanosByQueryId = new ConcurrentHashMap<>();

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    String query = start.properties() == null ? null : start.properties().getProperty(QUERY_ID);
    String key = query == null ? "" : query;
    scala.collection.JavaConverters.seqAsJavaList(start.stageIds()).forEach(id -> stageQuery.put((Integer) id, key));
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskMetrics() == null) {
      return;
    }
    String query = stageQuery.getOrDefault(end.stageId(), "");
    nanosByQueryId.computeIfAbsent(query, q -> new LongAdder()).add(end.taskMetrics().executorCpuTime());
  }

  /** Executor CPU seconds of the query with this id so far. */
  double seconds(String queryId) {
    LongAdder nanos = nanosByQueryId.get(queryId);
    return nanos == null ? 0 : nanos.sum() / 1e9;
  }
}
