package io.vigil.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFilterTest {
  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource(delimiter = ';', value = {
      "devices/+/status;devices/d1/status;true",
      "devices/+/status;devices/d1/telemetry;false",
      "devices/+/status;devices/d1/status/x;false",
      "devices/+/status;devices//status;true",
      "devices/+/status;devices/status;false",
      "devices/#;devices;true",
      "devices/#;devices/a/b/c;true",
      "devices/#;device;false",
      "#;anything/at/all;true",
      "#;$SYS/broker/load;false",
      "+/broker/load;$SYS/broker/load;false",
      "$SYS/#;$SYS/broker/load;true",
      "+;a;true",
      "+;a/b;false",
      "+/+;/a;true",
      "a/b;a/b;true",
      "a/b;a/B;false",
      "$share/g1/devices/+/status;devices/d9/status;true",
      "$share/g1/devices/+/status;g1/devices/d9/status;false",
      "a/+;a/;true",
      "a/#;a/;true",
      "a;a/;false",
      "a/b;a;false",
      "devices/+;devices;false",
      "+/#;$SYS;false",
      "$SYS;$SYS;true",
      "+x/a;+x/a;true",
      "devices/+/status;devices/d1/statu;false",
      "devices/+/status;devices/d1/statuses;false",
  })
  void matchesLikeTheBroker(String filter, String topic, boolean expected) {
    assertThat(TopicFilter.matches(filter, topic)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "devices/+/status;",
      "#;",
      "$share/g/a/#;",
      "devices/#/x;# must be a whole level and the last one",
      "devices/a#;# must be a whole level and the last one",
      "devices/a+/x;+ must be a whole level",
      "$share//a;a shared subscription is written $share/<group>/<filter>",
      "$share/g+/a;the share group name cannot contain + or #",
      "$share/g/;it is empty",
  })
  void validatesFilters(String filter, String problem) {
    assertThat(TopicFilter.problem(filter)).isEqualTo(problem);
  }
}
