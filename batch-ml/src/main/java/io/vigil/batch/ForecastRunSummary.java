package io.vigil.batch;

import java.time.Instant;

/**
 * What one forecasting run did. Mean MASEs are the baselines' one-season backtest over the forecast
 * series whose MASE is defined (null when none is); {@code relMase} is the chosen baselines' mean
 * MASE over seasonal naive's. {@code chosenSeasonalNaive}/{@code chosenMovingAverage} count the
 * series whose forecasts came from that baseline, {@code seriesByModel} those forecast by the
 * registry's model {@code modelVersion} (null when no model was current); the model's own
 * backtest figures are in its registry metadata.
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
    long rowsWritten,
    long seriesByModel,
    String modelVersion) {

  public Double relMase() {
    return meanMaseChosen == null || meanMaseSeasonalNaive == null || meanMaseSeasonalNaive == 0 ? null
        : meanMaseChosen / meanMaseSeasonalNaive;
  }
}
