package io.vigil.batch;

import java.time.Instant;

/**
 * What one forecasting run did. Mean MASEs are over the forecast series whose MASE is defined
 * (null when none is); {@code relMase} is the chosen methods' mean MASE over seasonal naive's.
 */
public record ForecastRunSummary(
    Instant asOf,
    long seriesSeen,
    long seriesForecast,
    long seriesTooShort,
    long seriesWithoutBacktest,
    long chosenSeasonalNaive,
    long chosenMovingAverage,
    Double meanMaseSeasonalNaive,
    Double meanMaseMovingAverage,
    Double meanMaseChosen,
    long rowsWritten) {

  public Double relMase() {
    return meanMaseChosen == null || meanMaseSeasonalNaive == null || meanMaseSeasonalNaive == 0 ? null
        : meanMaseChosen / meanMaseSeasonalNaive;
  }
}
