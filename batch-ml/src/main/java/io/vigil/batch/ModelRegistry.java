package io.vigil.batch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vigil.batch.internal.ModelForecaster;
import io.vigil.common.VigilErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trained models on the lake, by path or URI (anything Hadoop can open):
 * <pre>
 *   &lt;root&gt;/&lt;version&gt;/model/          the MLlib model (GBTRegressionModel.save)
 *   &lt;root&gt;/&lt;version&gt;/metadata.json    {@link ModelMetadata}; written last, so its presence means complete
 *   &lt;root&gt;/current/&lt;seq&gt;.json         one promotion each; the highest sequence number is current
 * </pre>
 * A promotion is a new pointer file created with overwrite off, so it either appears whole or
 * not at all, two promoters racing for the same sequence number cannot both win, and the
 * directory keeps the history of what was current when.
 */
public final class ModelRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  static final String METADATA = "metadata.json";
  static final String CURRENT = "current";

  /** One promotion: which version became current, when, and why. */
  public record Pointer(long sequence, String version, String promotedAt, String previous, String reason) {}

  /**
   * The outcome of {@link #promoteIfBetter}: whether the candidate became current, which version
   * is current afterwards (null when none), and the comparison that decided it.
   */
  public record Promotion(boolean promoted, String candidate, String current, String reason) {}

  private final FileSystem fs;
  private final Path root;
  private final ObjectMapper json = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ModelRegistry(Configuration hadoop, String root) {
    this.root = new Path(root);
    try {
      this.fs = this.root.getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the model registry at " + root, e);
    }
  }

  public static ModelRegistry open(SparkSession spark, String root) {
    return new ModelRegistry(spark.sparkContext().hadoopConfiguration(), root);
  }

  public String root() {
    return root.toString();
  }

  /** Whether {@code version} was saved completely. */
  public boolean has(String version) {
    return exists(new Path(new Path(root, version), METADATA));
  }

  public ModelMetadata metadata(String version) {
    Path file = new Path(new Path(root, version), METADATA);
    if (!exists(file)) {
      throw VigilErrors.modelNotFound(version, root.toString());
    }
    try (InputStream in = fs.open(file)) {
      return json.readValue(in, ModelMetadata.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Versions saved completely, oldest name first. */
  public List<String> versions() {
    List<String> out = new ArrayList<>();
    for (FileStatus st : list(root)) {
      String name = st.getPath().getName();
      if (st.isDirectory() && !name.equals(CURRENT) && has(name)) {
        out.add(name);
      }
    }
    out.sort(null);
    return out;
  }

  /** The latest promotion, if any model was ever promoted. */
  public Optional<Pointer> currentPointer() {
    Path dir = new Path(root, CURRENT);
    Pointer latest = null;
    for (FileStatus st : list(dir)) {
      String name = st.getPath().getName();
      if (name.matches("\\d+\\.json")) {
        long seq = Long.parseLong(name.substring(0, name.length() - 5));
        if (latest == null || seq > latest.sequence()) {
          latest = readPointer(st.getPath());
        }
      }
    }
    return Optional.ofNullable(latest);
  }

  public Optional<ModelMetadata> current() {
    return currentPointer().map(p -> metadata(p.version()));
  }

  /**
   * Saves a trained model: the MLlib model first, the metadata last. A crash in between leaves a
   * directory without metadata, which {@link #has} treats as absent and a rerun overwrites.
   */
  public void save(ModelMetadata meta, GBTRegressionModel model) {
    Path dir = new Path(root, meta.version());
    try {
      model.write().overwrite().save(new Path(dir, "model").toString());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) { // MLWriter.save declares IOException
      throw new IllegalStateException("cannot save model " + meta.version() + " under " + root, e);
    }
    writeMetadata(meta);
    LOG.info("Saved model {} to {}", meta.version(), dir);
  }

  /** Writes {@code metadata.json} by rename, so a reader sees all of it or none. */
  void writeMetadata(ModelMetadata meta) {
    Path dir = new Path(root, meta.version());
    try {
      Path tmp = new Path(dir, "." + METADATA + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        json.writeValue(out, meta);
      }
      Path target = new Path(dir, METADATA);
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metadata of " + meta.version() + " under " + root, e);
    }
  }

  /** Loads a saved model as a forecaster; needs an active SparkSession (MLlib reads through it). */
  public ModelForecaster load(String version) {
    ModelMetadata meta = metadata(version);
    GBTRegressionModel model = GBTRegressionModel.load(new Path(new Path(root, version), "model").toString());
    return ModelForecaster.of(meta.featureSpec(), model, meta.correctionWeightOrFull());
  }

  /**
   * Makes {@code candidate} current if {@link #decide} says so, by writing the next pointer. If
   * another promoter wrote that pointer first, decides again against the new current.
   *
   * @param currentOnSameWindow the current model's relMASE re-scored on the candidate's backtest,
   *     when the caller could do that without leakage; otherwise the stored figures are compared
   */
  public Promotion promoteIfBetter(ModelMetadata candidate, double maxRelMase, OptionalDouble currentOnSameWindow,
      Instant now) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<Pointer> pointer = currentPointer();
      Optional<ModelMetadata> current = pointer.map(p -> metadata(p.version()));
      Promotion decision = decide(candidate, current, maxRelMase, currentOnSameWindow);
      if (!decision.promoted()) {
        LOG.info("Model {} not promoted: {}", candidate.version(), decision.reason());
        return decision;
      }
      long seq = pointer.map(Pointer::sequence).orElse(0L) + 1;
      Pointer next = new Pointer(seq, candidate.version(), now.toString(), pointer.map(Pointer::version).orElse(null),
          decision.reason());
      Path file = new Path(new Path(root, CURRENT), String.format("%010d.json", seq));
      try (OutputStream out = fs.create(file, false)) {
        json.writeValue(out, next);
        LOG.info("Model {} is now current: {}", candidate.version(), decision.reason());
        return decision;
      } catch (FileAlreadyExistsException e) {
        LOG.info("Another promotion took sequence {}; deciding again", seq);
      } catch (IOException e) {
        if (exists(file)) {
          continue; // raced: some filesystems report an existing file as a plain IOException
        }
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
    throw new IllegalStateException("could not promote " + candidate.version() + ": the current pointer keeps changing");
  }

  /**
   * The promotion rule: a candidate becomes current only if its backtest relMASE is finite, below
   * {@code maxRelMase} (1.0: it beats seasonal naive) and below the current model's. The current
   * model's figure is, in order of preference (a current model whose features this version no longer
   * computes is unusable and is replaced by any candidate that beats seasonal naive): re-scored on the candidate's window
   * ({@code currentOnSameWindow}), its stored figure when its backtest window was the same, or
   * its stored figure on its own window.
   */
  public static Promotion decide(ModelMetadata candidate, Optional<ModelMetadata> current, double maxRelMase,
      OptionalDouble currentOnSameWindow) {
    String v = candidate.version();
    String cur = current.map(ModelMetadata::version).orElse(null);
    double rel = candidate.backtest() == null ? Double.NaN : candidate.backtest().relMase();
    if (cur != null && cur.equals(v)) {
      return new Promotion(false, v, cur, "it is already current");
    }
    if (!Double.isFinite(rel)) {
      return new Promotion(false, v, cur, "its backtest has no relMASE (no series could be scored)");
    }
    if (rel >= maxRelMase) {
      return new Promotion(false, v, cur, String.format("its relMASE %.4f is not below %.4f (models.promote.max.relmase)", rel, maxRelMase));
    }
    if (current.isEmpty()) {
      return new Promotion(true, v, v, String.format("first model; relMASE %.4f < %.4f", rel, maxRelMase));
    }
    ModelMetadata c = current.get();
    if (!c.featuresMatchThisVersion()) {
      // The current model cannot be used any more (forecasting falls back to the baselines), so any model
      // that beats seasonal naive is better than what runs now.
      return new Promotion(true, v, v, String.format("relMASE %.4f < %.4f; current %s was trained on features this"
          + " version no longer computes", rel, maxRelMase, cur));
    }
    double currentRel;
    String basis;
    if (currentOnSameWindow.isPresent()) {
      currentRel = currentOnSameWindow.getAsDouble();
      basis = "current re-scored on the candidate's backtest window";
    } else {
      currentRel = c.backtest() == null ? Double.NaN : c.backtest().relMase();
      boolean sameWindow = candidate.backtestFrom().equals(c.backtestFrom()) && candidate.backtestTo().equals(c.backtestTo());
      basis = sameWindow ? "same backtest window" : "current's own backtest window " + c.backtestFrom() + ".." + c.backtestTo();
    }
    if (Double.isFinite(currentRel) && rel >= currentRel) {
      return new Promotion(false, v, cur, String.format("its relMASE %.4f does not beat current %s's %.4f (%s)", rel, cur, currentRel, basis));
    }
    return new Promotion(true, v, v, String.format("relMASE %.4f beats current %s's %.4f (%s)", rel, cur, currentRel, basis));
  }

  private Pointer readPointer(Path file) {
    try (InputStream in = fs.open(file)) {
      return json.readValue(in, Pointer.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private boolean exists(Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + p, e);
    }
  }

  private FileStatus[] list(Path dir) {
    try {
      return fs.exists(dir) ? fs.listStatus(dir) : new FileStatus[0];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
