package io.vigil.streaming.internal;

import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every batch of the job's queries (rows, rates, duration, rows per table) and feeds
 * {@link JobMetrics}. Spark calls it on its listener bus thread, after the batch.
 */
public final class ProgressListener extends StreamingQueryListener {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressListener.class);

  private final String namePrefix;
  private final JobMetrics metrics;

  public ProgressListener(String namePrefix, JobMetrics metrics) {
    this.namePrefix = namePrefix;
    this.metrics = metrics;
  }

  private String shortName(String name) {
    return name != null && name.startsWith(namePrefix) ? name.substring(namePrefix.length()) : null;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    String q = shortName(event.name());
    if (q != null) {
      LOG.info("Query {} started (id {}, run {})", q, event.id(), event.runId());
    }
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    String q = shortName(p.name());
    if (q == null) {
      return;
    }
    Long duration = p.durationMs().get("triggerExecution");
    long ms = duration == null ? 0 : duration;
    metrics.progress(q, new JobMetrics.QueryProgress(p.batchId(), p.numInputRows(), p.inputRowsPerSecond(),
        p.processedRowsPerSecond(), ms));
    if (p.numInputRows() > 0) {
      LOG.info("Query {} batch {}: {} rows in {} ms ({} rows/s in, {} rows/s processed){}", q, p.batchId(),
          p.numInputRows(), ms, Math.round(p.inputRowsPerSecond()), Math.round(p.processedRowsPerSecond()),
          metrics.lastTableRows(q).isEmpty() ? "" : ", tables " + metrics.lastTableRows(q));
    }
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    LOG.info("Query {} terminated{}", event.id(), event.exception().isDefined() ? ": " + event.exception().get() : "");
  }
}
