package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.config.ConfigException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceWatchConfigTest {
  @Test
  void defaultsAreDocumentedAndUsable() {
    DeviceWatchSettings s = StreamingJobConfig.defaults().deviceWatchSettings();
    assertThat(s.frequencyFactor()).isEqualTo(2.0);
    assertThat(s.lateAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.clockSkewAfter()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.burstMin()).isEqualTo(3);
    assertThat(s.burstWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.thresholds()).isEmpty();
    assertThat(s.recheck()).isEqualTo(StreamingJobConfig.defaults().triggerInterval());
    assertThat(StreamingJobConfig.defaults().deviceRegistryPath()).isEmpty();
    for (String key : List.of(StreamingJobConfig.WATCH_REGISTRY_PATH, StreamingJobConfig.WATCH_FREQUENCY_FACTOR,
        StreamingJobConfig.WATCH_LATE_AFTER, StreamingJobConfig.WATCH_CLOCK_SKEW_AFTER, StreamingJobConfig.WATCH_BURST_MIN,
        StreamingJobConfig.WATCH_BURST_WINDOW)) {
      assertThat(StreamingJobConfig.DEFINITION.toString() + key).contains(key);
    }
  }

  @Test
  void thresholdRulesAreReadByName() {
    DeviceWatchSettings s = config("device.watch.threshold.loud.metric=noise", "device.watch.threshold.loud.above=85",
        "device.watch.threshold.comfort.metric=temperature", "device.watch.threshold.comfort.above=30",
        "device.watch.threshold.comfort.below=-5.5").deviceWatchSettings();
    assertThat(s.thresholds()).containsExactlyInAnyOrder(
        new ThresholdRule("loud", "noise", 85.0, null), new ThresholdRule("comfort", "temperature", 30.0, -5.5));
    assertThat(s.thresholdsByMetric()).containsOnlyKeys("noise", "temperature");
  }

  @ParameterizedTest(name = "{0} is refused naming {1}")
  @CsvSource(delimiter = '|', value = {
      "device.watch.frequency.factor=1.0 | device.watch.frequency.factor",
      "device.watch.late.after=0s | device.watch.late.after",
      "device.watch.clock.skew.after=soon | device.watch.clock.skew.after",
      "device.watch.burst.min=0 | device.watch.burst.min",
      "device.watch.burst.window=-1s | device.watch.burst.window",
      "device.watch.min.samples=20 | device.watch.interval.window",
      "device.watch.threshold.loud.metric=noise,device.watch.threshold.loud.above=very | device.watch.threshold.loud.above",
      "device.watch.threshold.loud.metric=noise,device.watch.threshold.loud.abvoe=85 | device.watch.threshold.loud.abvoe",
      "device.watch.threshold.loud.above=85 | device.watch.threshold.loud.metric",
      "device.watch.threshold.loud.metric=noise | device.watch.threshold.loud.above",
      "device.watch.threshold.loud.metric=noise,device.watch.threshold.loud.above=10,device.watch.threshold.loud.below=20"
          + " | device.watch.threshold.loud.below",
      "device.watch.threshold.a.metric=noise,device.watch.threshold.a.above=85,device.watch.threshold.b.metric=noise,"
          + "device.watch.threshold.b.above=90 | device.watch.threshold.b.metric",
      "device.watch.threshold.metric=noise | device.watch.threshold.metric",
      "device.watch.threshold.bad name.metric=noise | device.watch.threshold.bad name.metric",
  })
  void invalidDeviceWatchSettingsAreRefusedNamingTheFullKey(String settings, String key) {
    assertThatThrownBy(() -> config(settings.split(",")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'")
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }

  private static StreamingJobConfig config(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    Arrays.stream(keyValues).map(String::strip).forEach(kv -> m.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1)));
    return new StreamingJobConfig(m);
  }
}
