package io.vigil.stack;

import io.vigil.common.VigilErrors;
import java.util.Arrays;
import java.util.Locale;

/** Which MQTT broker the local stack runs; AUTO prefers Mosquitto when it is installed. */
public enum MqttBrokerChoice {
  AUTO, MOSQUITTO, EMBEDDED;

  public static MqttBrokerChoice parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw VigilErrors.unknownChoice("MQTT broker", text,
          Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList());
    }
  }

  /** AUTO resolved against this machine: "mosquitto" or "embedded". */
  public String resolve() {
    return switch (this) {
      case MOSQUITTO -> "mosquitto";
      case EMBEDDED -> "embedded";
      case AUTO -> MosquittoBroker.isInstalled() ? "mosquitto" : "embedded";
    };
  }
}
