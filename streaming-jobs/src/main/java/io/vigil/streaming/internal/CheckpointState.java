package io.vigil.streaming.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * What our foreachBatch writers keep next to a query's Spark checkpoint, under
 * {@code <checkpoint>/vigil/}: the Delta transaction app id, and per-batch state files. It goes
 * through Hadoop's FileSystem, so it lives wherever the checkpoint does (local disk, HDFS, S3).
 *
 * <p>The app id belongs to the checkpoint, not to the job: a write whose (app id, batch id) a table
 * has already committed is skipped (see {@link BatchCommits}), which makes a replayed batch after a
 * crash a no-op; a new checkpoint restarts batch ids at 0, so it must come with a new app id or
 * its first batches would be skipped as "already written".
 */
public final class CheckpointState {
  private final String checkpoint;
  private final Configuration hadoopConf;

  public CheckpointState(SparkSession spark, String checkpoint) {
    this(checkpoint, spark.sparkContext().hadoopConfiguration());
  }

  CheckpointState(String checkpoint, Configuration hadoopConf) {
    this.checkpoint = checkpoint;
    this.hadoopConf = hadoopConf;
  }

  public Path root() {
    return new Path(checkpoint, "vigil");
  }

  /** The app id of this checkpoint, and whether it was created just now (a new checkpoint). */
  public record AppId(String id, boolean created) {}

  public AppId appId() {
    return appId(null);
  }

  /**
   * Like {@link #appId()}, for a query whose checkpoints, before app-id files existed, used
   * {@code earlierId}: a checkpoint Spark has already written keeps that id (its tables know it),
   * a new one gets a fresh id, so a checkpoint deleted and started again at the same path never
   * inherits the batch ids of the old one.
   */
  public AppId appId(String earlierId) {
    Path file = new Path(root(), "app-id");
    try {
      FileSystem fs = file.getFileSystem(hadoopConf);
      if (fs.exists(file)) {
        try (var in = fs.open(file)) {
          return new AppId(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim(), false);
        }
      }
      boolean sparkStarted = fs.exists(new Path(checkpoint, "offsets"));
      String id = earlierId != null && sparkStarted ? earlierId : "vigil-" + UUID.randomUUID();
      // Written to a temporary name and renamed, so a crash never leaves an empty or partial id.
      Path tmp = new Path(root(), "app-id.tmp-" + UUID.randomUUID());
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write(id.getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(tmp, file)) {
        throw new IOException("could not rename " + tmp + " to " + file);
      }
      return new AppId(id, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the Delta app id under " + root(), e);
    }
  }

  /** Directory for the state of one batch, e.g. {@code <root>/watermarks/12}. */
  public Path batchDir(String kind, long batchId) {
    return new Path(new Path(root(), kind), Long.toString(batchId));
  }

  /** The newest batch id below {@code batchId} that has a complete state directory of this kind. */
  public OptionalLong latestBefore(String kind, long batchId) {
    Path dir = new Path(root(), kind);
    try {
      FileSystem fs = dir.getFileSystem(hadoopConf);
      if (!fs.exists(dir)) {
        return OptionalLong.empty();
      }
      long best = -1;
      for (FileStatus st : fs.listStatus(dir)) {
        String name = st.getPath().getName();
        if (st.isDirectory() && name.chars().allMatch(Character::isDigit)
            && fs.exists(new Path(st.getPath(), "_SUCCESS"))) {
          long id = Long.parseLong(name);
          if (id < batchId && id > best) {
            best = id;
          }
        }
      }
      return best < 0 ? OptionalLong.empty() : OptionalLong.of(best);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Deletes state directories of this kind older than {@code keepFrom}. */
  public void deleteBefore(String kind, long keepFrom) {
    Path dir = new Path(root(), kind);
    try {
      FileSystem fs = dir.getFileSystem(hadoopConf);
      if (!fs.exists(dir)) {
        return;
      }
      for (FileStatus st : fs.listStatus(dir)) {
        String name = st.getPath().getName();
        if (name.chars().allMatch(Character::isDigit) && Long.parseLong(name) < keepFrom) {
          fs.delete(st.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + dir, e);
    }
  }
}
