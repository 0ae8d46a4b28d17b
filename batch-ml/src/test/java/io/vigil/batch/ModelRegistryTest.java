package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.batch.internal.Backtest;
import io.vigil.batch.internal.FeatureSpec;
import io.vigil.common.VigilException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelRegistryTest {
  private static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");
  private static final String WINDOW_FROM = "2026-11-15T00:00:00Z";
  private static final String WINDOW_TO = "2026-11-22T00:00:00Z";

  @TempDir
  Path dir;

  static ModelMetadata meta(String version, double relMase, String backtestFrom, String backtestTo) {
    Backtest.Summary summary = new Backtest.Summary(3, 100, relMase, 1.0, 1.5, relMase, 1.5, relMase, 10, 12, 20, 1.2);
    return new ModelMetadata(version, "gbt", backtestTo, NOW.toString(), "2026-11-01T00:00:00Z", backtestTo, backtestFrom,
        backtestTo, "hourly", "PT1H", 1000, new FeatureSpec(24, 6, 4, 24), new FeatureSpec(24, 6, 4, 24).names(),
        Map.of("forecast.model.max.iter", "40"), "abc", summary,
        List.of(new Backtest.SeriesScore("d1", "temp", 100, 2, 1, 2, 3, 4, 5, 6, 1.1)), 0.5);
  }

  static ModelMetadata meta(String version, double relMase) {
    return meta(version, relMase, WINDOW_FROM, WINDOW_TO);
  }

  private ModelRegistry registry() {
    return new ModelRegistry(new Configuration(), dir.resolve("models").toString());
  }

  @ParameterizedTest(name = "candidate {0} vs current {1} (max {2}) -> promoted {3}")
  @CsvSource({
      // no current model: must beat seasonal naive
      "0.80, , 1.0, true",
      "1.00, , 1.0, false",
      "1.20, , 1.0, false",
      "0.90, , 0.85, false",
      "NaN, , 1.0, false",
      // a current model: must beat it too
      "0.80, 0.85, 1.0, true",
      "0.85, 0.85, 1.0, false",
      "0.90, 0.85, 1.0, false",
      "0.95, NaN, 1.0, true"})
  void aCandidateIsPromotedOnlyWhenItsBacktestIsBetter(double candidate, Double current, double max, boolean promoted) {
    Optional<ModelMetadata> cur = current == null ? Optional.empty() : Optional.of(meta("gbt-old", current));

    ModelRegistry.Promotion p = ModelRegistry.decide(meta("gbt-new", candidate), cur, max, OptionalDouble.empty());

    assertThat(p.promoted()).as(p.reason()).isEqualTo(promoted);
    assertThat(p.current()).isEqualTo(promoted ? "gbt-new" : cur.map(ModelMetadata::version).orElse(null));
  }

  @Test
  void aCurrentModelTrainedOnFeaturesThisVersionNoLongerComputesIsReplacedByAnyModelThatBeatsSeasonalNaive() {
    ModelMetadata fresh = meta("gbt-old", 0.70);
    // As a Vigil with other features saved it: the names stored differ from what its spec gives now.
    ModelMetadata stale = new ModelMetadata(fresh.version(), fresh.modelType(), fresh.asOf(), fresh.createdAt(), fresh.trainedFrom(),
        fresh.trainedTo(), fresh.backtestFrom(), fresh.backtestTo(), fresh.resolution(), fresh.step(), fresh.trainingRows(),
        fresh.featureSpec(), List.of("horizon", "lag_1", "seasonal_lag_1"), fresh.params(), fresh.paramsHash(), fresh.backtest(),
        fresh.backtestSeries(), fresh.correctionWeight());
    assertThat(fresh.featuresMatchThisVersion()).isTrue();
    assertThat(stale.featuresMatchThisVersion()).isFalse();

    ModelRegistry.Promotion p = ModelRegistry.decide(meta("gbt-new", 0.80), Optional.of(stale), 1.0, OptionalDouble.empty());
    assertThat(p.promoted()).as(p.reason()).isTrue();
    assertThat(p.reason()).contains("no longer computes");
    // Still not one that loses to seasonal naive.
    assertThat(ModelRegistry.decide(meta("gbt-new", 1.10), Optional.of(stale), 1.0, OptionalDouble.empty()).promoted()).isFalse();
    // A current model this version can serve keeps its place against a worse candidate.
    assertThat(ModelRegistry.decide(meta("gbt-new", 0.80), Optional.of(fresh), 1.0, OptionalDouble.empty()).promoted()).isFalse();
  }

  @Test
  void theCurrentModelReScoredOnTheSameWindowIsPreferredToItsStoredFigure() {
    ModelMetadata current = meta("gbt-old", 0.95, "2026-11-08T00:00:00Z", "2026-11-15T00:00:00Z");

    // Stored 0.95 would let 0.90 through, but on the candidate's own window the current scores 0.88.
    ModelRegistry.Promotion p = ModelRegistry.decide(meta("gbt-new", 0.90), Optional.of(current), 1.0, OptionalDouble.of(0.88));

    assertThat(p.promoted()).isFalse();
    assertThat(p.reason()).contains("re-scored").contains("0.88");
  }

  @Test
  void promotionMovesTheCurrentPointerOnlyForABetterModelAndIsIdempotent() {
    ModelRegistry registry = registry();
    ModelMetadata first = meta("gbt-1", 0.9);
    ModelMetadata worse = meta("gbt-2", 0.95);
    ModelMetadata better = meta("gbt-3", 0.7);
    for (ModelMetadata m : List.of(first, worse, better)) {
      registry.writeMetadata(m);
    }

    assertThat(registry.current()).isEmpty();
    assertThat(registry.promoteIfBetter(first, 1.0, OptionalDouble.empty(), NOW).promoted()).isTrue();
    assertThat(registry.promoteIfBetter(first, 1.0, OptionalDouble.empty(), NOW).promoted()).isFalse();
    assertThat(registry.promoteIfBetter(worse, 1.0, OptionalDouble.empty(), NOW).promoted()).isFalse();
    assertThat(registry.current().map(ModelMetadata::version)).contains("gbt-1");
    assertThat(registry.promoteIfBetter(better, 1.0, OptionalDouble.empty(), NOW).promoted()).isTrue();

    ModelRegistry reopened = registry();
    assertThat(reopened.current().map(ModelMetadata::version)).contains("gbt-3");
    assertThat(reopened.currentPointer().orElseThrow().sequence()).isEqualTo(2);
    assertThat(reopened.currentPointer().orElseThrow().previous()).isEqualTo("gbt-1");
    assertThat(reopened.versions()).containsExactly("gbt-1", "gbt-2", "gbt-3");
  }

  @Test
  void metadataSurvivesTheRoundTrip() {
    ModelRegistry registry = registry();
    ModelMetadata m = meta("gbt-1", 0.8123);

    registry.writeMetadata(m);

    assertThat(registry.has("gbt-1")).isTrue();
    ModelMetadata back = registry.metadata("gbt-1");
    assertThat(back.backtest()).isEqualTo(m.backtest());
    assertThat(back.featureSpec()).isEqualTo(m.featureSpec());
    assertThat(back.features()).isEqualTo(m.features());
    assertThat(back.params()).isEqualTo(m.params());
    assertThat(back.backtestSeries()).isEqualTo(m.backtestSeries());
    assertThat(back.trainedTo()).isEqualTo(m.trainedTo());
    assertThat(back.correctionWeightOrFull()).isEqualTo(0.5);
  }

  @Test
  void aModelSavedBeforeCorrectionWeightsExistedAddsAllOfItsCorrection() {
    ModelRegistry registry = registry();
    ModelMetadata m = meta("gbt-1", 0.8);
    ModelMetadata older = new ModelMetadata(m.version(), m.modelType(), m.asOf(), m.createdAt(), m.trainedFrom(), m.trainedTo(),
        m.backtestFrom(), m.backtestTo(), m.resolution(), m.step(), m.trainingRows(), m.featureSpec(), m.features(), m.params(),
        m.paramsHash(), m.backtest(), m.backtestSeries(), null);

    registry.writeMetadata(older);

    assertThat(registry.metadata("gbt-1").correctionWeightOrFull()).isEqualTo(1.0);
  }

  @Test
  void aVersionWithoutMetadataDoesNotExist() throws Exception {
    ModelRegistry registry = registry();
    Files.createDirectories(dir.resolve("models/gbt-half/model")); // a run that died before writing metadata

    assertThat(registry.has("gbt-half")).isFalse();
    assertThat(registry.versions()).isEmpty();
    assertThatThrownBy(() -> registry.metadata("gbt-half"))
        .isInstanceOf(VigilException.class)
        .hasMessageContaining("gbt-half")
        .hasMessageContaining("models.path");
  }
}
