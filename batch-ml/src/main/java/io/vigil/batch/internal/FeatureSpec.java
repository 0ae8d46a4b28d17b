package io.vigil.batch.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of the model's feature vector, saved with every model so a loaded model computes the
 * features it was trained on.
 *
 * @param season buckets per season (m): seasonal lags and the profile step back by it
 * @param lags lags 1..L of the origin; also the buckets the level offset averages, and the short rolling window
 * @param profileSeasons P: the seasonal profile (the base's start) is the mean of the same phase over the last P seasons
 * @param horizon H the model was trained for (targets origin+1 .. origin+H)
 */
public record FeatureSpec(int season, int lags, int profileSeasons, int horizon) implements Serializable {

  /** Column names, in vector order; {@link Features#vector} fills them. */
  public List<String> names() {
    List<String> names = new ArrayList<>(List.of("horizon", "target_hour_of_day", "target_day_of_week"));
    for (int k = 1; k <= lags; k++) {
      names.add("lag_" + k + "_vs_base");
    }
    names.addAll(List.of("seasonal_lag_1_vs_profile", "seasonal_lag_2_vs_profile", "profile_change_to_target",
        "rolling_std_" + lags, "rolling_std_" + season, "level_offset_change_over_season",
        "origin_imputed", "imputed_in_lags", "missing_in_season"));
    return names;
  }

  public int size() {
    return 3 + lags + 9;
  }
}
