package io.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MqttBrokerChoiceTest {
  @ParameterizedTest
  @CsvSource({"auto,AUTO", "Mosquitto,MOSQUITTO", " embedded ,EMBEDDED"})
  void parsesKnownChoices(String text, MqttBrokerChoice expected) {
    assertThat(MqttBrokerChoice.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hivemq", "", "mosquito"})
  void rejectsUnknownChoicesListingTheKnownOnes(String text) {
    assertThatThrownBy(() -> MqttBrokerChoice.parse(text)).isInstanceOf(VigilException.class)
        .hasMessageContaining("[auto, mosquitto, embedded]");
  }
}
