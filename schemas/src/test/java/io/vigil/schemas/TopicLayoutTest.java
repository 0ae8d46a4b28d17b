package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicLayoutTest {
  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @CsvSource(nullValues = "NONE", value = {
      "devices/{deviceId}/telemetry, devices/d1/telemetry, d1",
      "devices/{deviceId}/telemetry, devices/d1/status, NONE",
      "devices/{deviceId}/telemetry, devices/d1/telemetry/x, NONE",
      "devices/{deviceId}/telemetry, devices//telemetry, ''",
      "site/+/{deviceId}, site/a/b, b",
      "site/+/{deviceId}, other/a/b, NONE",
      "{deviceId}, d9, d9",
      "{deviceId}, d9/x, NONE",
      "devices/{deviceId}/telemetry, devices/d1, NONE",
      "devices/{deviceId}/telemetry, devices/d1/telemetr, NONE",
      "devices/{deviceId}/telemetry, devices/d1/telemetryx, NONE",
      "devices/{deviceId}/telemetry, xdevices/d1/telemetry, NONE",
      "devices/{deviceId}/telemetry, devices/d1/telemetry/, NONE",
      "a/{deviceId}, a/, ''",
      "{deviceId}/x, /x, ''",
      "owntracks/{deviceId}/{deviceId}, owntracks/alice/phone, alice:phone",
      "owntracks/{deviceId}/{deviceId}, owntracks/bob/phone, bob:phone",
      "owntracks/{deviceId}/{deviceId}, owntracks/a:b/c, a_b:c",
      "owntracks/{deviceId}/{deviceId}, owntracks/a/b:c, a:b_c",
      "x/{deviceId}, x/a:b, a:b",
      "owntracks/{deviceId}/{deviceId}, owntracks/alice, NONE",
      "owntracks/{deviceId}/{deviceId}, owntracks/alice/phone/event, NONE",
      "owntracks/{deviceId}/{deviceId}, other/alice/phone, NONE",
      "{deviceId}/+/{deviceId}/up, site1/x/m7/up, site1:m7",
      "{deviceId}/+/{deviceId}/up, site1/x/m7/down, NONE",
  })
  void extractsDeviceId(String template, String topic, String expected) {
    assertThat(TopicLayout.of(template).deviceIdOf(topic).orElse(null)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
      "a/+/b, a/x/b, true",
      "a/+/b, a/x/c, false",
      "a/+/b, a//b, true",
      "a/{deviceId}, a/d1, true",
      "a/{deviceId}, a/d1/x, false",
      "a/{deviceId}, b/d1, false",
  })
  void matchesLevelByLevel(String template, String topic, boolean expected) {
    assertThat(TopicLayout.of(template).matches(topic)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "layout ''{0}'' is refused")
  @ValueSource(strings = {"", "devices/#", "devices/{deviceId}x/t", "devices/x+/{deviceId}", "devices/{device}/t"})
  void refusesBadTemplates(String template) {
    assertThatThrownBy(() -> TopicLayout.of(template)).isInstanceOf(VigilException.class)
        .hasMessageContaining("topic layout").hasMessageContaining("Fix:");
  }

  @ParameterizedTest(name = "{0} on {1} -> {2} / {3}")
  @CsvSource(nullValues = "NONE", value = {
      "{deviceId}/+/{metric}/state, livingroom/sensor/temperature/state, livingroom, temperature",
      "{deviceId}/{metric}/{metric}/state, homeassistant/sensor/outdoor_temp/state, homeassistant, sensor.outdoor_temp",
      "{deviceId}/status/{metric}, shellyplus1-ab12/status/switch:0, shellyplus1-ab12, switch:0",
      "{deviceId}/+/{metric}/state, livingroom/status, NONE, NONE",
      "devices/{deviceId}/telemetry, devices/d1/telemetry, d1, NONE",
  })
  void metricSegmentsNameTheMetric(String template, String topic, String device, String metric) {
    TopicLayout layout = TopicLayout.of(template);
    assertThat(layout.deviceIdOf(topic).orElse(null)).isEqualTo(device);
    assertThat(layout.metricOf(topic).orElse(null)).isEqualTo(metric);
  }

  @ParameterizedTest(name = "{0} for {1} -> {2}")
  @CsvSource({"devices/{deviceId}/telemetry, d1, devices/d1/telemetry", "owntracks/{deviceId}/{deviceId}, alice:phone, owntracks/alice/phone",
      "{deviceId}/+/{deviceId}/up, site1:m7, site1/+/m7/up", "owntracks/{deviceId}/{deviceId}, a:b:c, owntracks/a/b:c"})
  void topicForPlacesTheDeviceIdsParts(String template, String device, String topic) {
    TopicLayout layout = TopicLayout.of(template);
    assertThat(layout.topicFor(device)).isEqualTo(topic);
  }

  @org.junit.jupiter.api.Test
  void topicForRefusesADeviceIdWithTooFewParts() {
    assertThatThrownBy(() -> TopicLayout.of("owntracks/{deviceId}/{deviceId}").topicFor("phone"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owntracks/{deviceId}/{deviceId}");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource({"routes.ot.topic.layout, owntracks/{deviceId}/x+", "parser.topic.layout, a/#"})
  void theConfigCheckNamesTheKey(String key, String template) {
    assertThatThrownBy(() -> TopicLayout.validator().ensureValid(key, template)).isInstanceOf(VigilException.class)
        .hasMessageContaining(key).hasMessageContaining(template).hasMessageContaining("Change " + key);
  }

  @ParameterizedTest
  @CsvSource({"devices/{deviceId}/telemetry, devices/+/telemetry", "a/+/{deviceId}/b, a/+/+/b", "owntracks/{deviceId}/{deviceId}, owntracks/+/+", "{deviceId}/+/{metric}/state, +/+/+/state"})
  void subscriptionFilterReplacesDeviceSegment(String template, String filter) {
    assertThat(TopicLayout.of(template).subscriptionFilter()).isEqualTo(filter);
  }
}
