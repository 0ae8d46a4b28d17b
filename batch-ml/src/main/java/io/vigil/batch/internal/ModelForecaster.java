package io.vigil.batch.internal;

import java.io.Serializable;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.GBTRegressionModel;

/**
 * History in, forecasts out: the trained model as a plain function, with no Spark session or Delta
 * table behind it, so the batch job, walk-forward replay and scoring all forecast the same way.
 * Only buckets up to the origin are read; the normaliser is fitted on the history given.
 */
public final class ModelForecaster implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The learned part: normalised features to the normalised correction of the seasonal profile. */
  @FunctionalInterface
  public interface Predictor extends Serializable {
    double predict(double[] features);
  }

  /** Forecasts for steps 1..n after the origin, and the series scale they were de-normalised with. */
  public record Forecast(double[] values, double scale) {}

  private final FeatureSpec spec;
  private final Predictor predictor;
  private final double correctionWeight;

  /** The base plus the predictor's full correction. */
  public ModelForecaster(FeatureSpec spec, Predictor predictor) {
    this(spec, predictor, 1);
  }

  /**
   * @param correctionWeight the share of the predictor's correction added to the base, in [0, 1]:
   *     0 forecasts with the base alone ({@link CorrectionWeight} says how it is chosen)
   */
  public ModelForecaster(FeatureSpec spec, Predictor predictor, double correctionWeight) {
    if (!(correctionWeight >= 0 && correctionWeight <= 1)) {
      throw new IllegalArgumentException("correction weight must be in [0, 1], was " + correctionWeight);
    }
    this.spec = spec;
    this.predictor = predictor;
    this.correctionWeight = correctionWeight;
  }

  /** A forecaster around an MLlib model (its {@code predict} runs locally, without a session). */
  public static ModelForecaster of(FeatureSpec spec, GBTRegressionModel model, double correctionWeight) {
    return new ModelForecaster(spec, features -> model.predict(Vectors.dense(features)), correctionWeight);
  }

  /** The same base and predictor with another share of the correction. */
  public ModelForecaster withCorrectionWeight(double weight) {
    return new ModelForecaster(spec, predictor, weight);
  }

  public FeatureSpec spec() {
    return spec;
  }

  public double correctionWeight() {
    return correctionWeight;
  }

  /** Forecasts the {@code steps} buckets after the end of {@code history}; null when it cannot serve it. */
  public Forecast forecast(SeriesHistory history, int steps) {
    return forecastFrom(history, history.length() - 1, steps);
  }

  /**
   * Forecasts buckets {@code origin+1 .. origin+steps} from the buckets {@code <= origin} only;
   * null when the model cannot serve that origin ({@link Features#servable}). Steps beyond the
   * trained horizon reuse the last trained horizon's behaviour (trees do not extrapolate).
   */
  public Forecast forecastFrom(SeriesHistory history, int origin, int steps) {
    if (!Features.servable(history, spec, origin)) {
      return null;
    }
    SeriesHistory known = history.length() > origin + 1 ? history.prefix(origin + 1) : history;
    // The targets lie past the known buckets: extend the grid so their calendar position is defined.
    SeriesHistory grid = withRoom(known, steps);
    Normaliser norm = Normaliser.fit(known, known.length());
    double[] z = Features.normalised(grid, norm, origin);
    double[] out = new double[steps];
    for (int h = 1; h <= steps; h++) {
      double[] f = Features.vector(spec, grid, z, origin, h);
      // The trees learned corrections to a formed base only; to a fallback base they add nothing.
      double correction = correctionWeight > 0 && Features.baseFormed(spec, z, origin, h) ? correctionWeight * predictor.predict(f) : 0;
      out[h - 1] = norm.denormalise(Features.base(spec, z, origin, h) + correction);
    }
    return new Forecast(out, norm.scale());
  }

  private static SeriesHistory withRoom(SeriesHistory s, int steps) {
    int n = s.length() + steps;
    double[] y = java.util.Arrays.copyOf(s.y(), n);
    java.util.Arrays.fill(y, s.length(), n, Double.NaN);
    return new SeriesHistory(s.deviceId(), s.metric(), s.startIdx(), s.bucketMicros(), y, java.util.Arrays.copyOf(s.imputed(), n));
  }
}
