package io.vigil.batch;

import io.vigil.batch.internal.Backtest;
import io.vigil.batch.internal.FeatureSpec;
import java.util.List;
import java.util.Map;

/**
 * What the registry records about one trained model ({@code models/<version>/metadata.json}).
 * Times are ISO-8601 instants; the training window is {@code [trainedFrom, trainedTo)}, the
 * backtest's targets lie in {@code [backtestFrom, backtestTo)}.
 *
 * @param step the bucket length (ISO-8601 duration) the model's features are computed at
 * @param params every setting that shaped the model; {@code paramsHash} is part of the version
 * @param backtest overall scores; {@code backtest.relMase} decides promotion
 * @param backtestSeries per-series scores of the same backtest
 * @param correctionWeight the share of the trees' correction this model adds to its base
 *     ({@code CorrectionWeight}); absent in models saved before it existed, which added all of it
 */
public record ModelMetadata(
    String version,
    String modelType,
    String asOf,
    String createdAt,
    String trainedFrom,
    String trainedTo,
    String backtestFrom,
    String backtestTo,
    String resolution,
    String step,
    long trainingRows,
    FeatureSpec featureSpec,
    List<String> features,
    Map<String, String> params,
    String paramsHash,
    Backtest.Summary backtest,
    List<Backtest.SeriesScore> backtestSeries,
    Double correctionWeight) {

  /** The share of the correction to add: models saved before the weight existed add all of it. */
  public double correctionWeightOrFull() {
    return correctionWeight == null ? 1 : correctionWeight;
  }

  /**
   * Whether this Vigil computes the features the model was trained on: the feature names saved with
   * it match the ones its feature spec gives now. A model saved by a Vigil whose features differ
   * would be fed vectors it was not trained on, so it is not used (the baselines stand in) until a
   * model is trained again.
   */
  public boolean featuresMatchThisVersion() {
    return featureSpec != null && featureSpec.names().equals(features);
  }
}
