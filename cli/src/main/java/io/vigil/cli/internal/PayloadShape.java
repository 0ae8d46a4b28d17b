package io.vigil.cli.internal;

import io.vigil.bridge.BridgeConfig;
import io.vigil.schemas.PayloadMappingConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code vigil bench bridge} publishes: Vigil's own dialect, or the telemetry of a device
 * family, on that family's topics under the contender's prefix, with Vigil's contender configured
 * with the family's preset. The ceiling and the naive bridge subscribe to the same topics.
 */
public enum PayloadShape {
  /** {@code {"ts":..,"seq":..,"m0":..}} on {@code <prefix>/<device>/telemetry}, padded to --payload-bytes. */
  VIGIL("vigil", "/{deviceId}/telemetry", Map.of()) {
    @Override
    public byte[] reading(int seq, long publishMillis, int size) {
      return BridgeBenchmark.Payloads.reading(seq, publishMillis, size);
    }
  },
  /** Tasmota's tele/<device>/SENSOR with an AM2301 and energy monitoring; Time in (UTC) local time, whole seconds. */
  TASMOTA("tasmota", "/tele/{deviceId}/SENSOR", Map.of(BridgeConfig.PARSER_PREFIX + PayloadMappingConfig.PRESET, "tasmota")) {
    @Override
    public byte[] reading(int seq, long publishMillis, int size) {
      return BridgeBenchmark.Payloads.tasmota(seq, publishMillis);
    }
  },
  /** Zigbee2MQTT's zigbee2mqtt/<device>: flat numbers, a boolean, a nested update object, no time (arrival time). */
  ZIGBEE2MQTT("zigbee2mqtt", "/zigbee2mqtt/{deviceId}", Map.of(BridgeConfig.PARSER_PREFIX + PayloadMappingConfig.PRESET, "zigbee2mqtt")) {
    @Override
    public byte[] reading(int seq, long publishMillis, int size) {
      return BridgeBenchmark.Payloads.zigbee2mqtt(seq);
    }
  };

  private final String option;
  private final String layoutSuffix;
  private final Map<String, String> parserSettings;

  PayloadShape(String option, String layoutSuffix, Map<String, String> parserSettings) {
    this.option = option;
    this.layoutSuffix = layoutSuffix;
    this.parserSettings = parserSettings;
  }

  /** One message; {@code size} is honoured by the vigil shape only (the others have their family's size). */
  public abstract byte[] reading(int seq, long publishMillis, int size);

  public String option() {
    return option;
  }

  /** The topic a device publishes on under a contender's prefix. */
  String topic(String prefix, String device) {
    return layout(prefix).replace("{deviceId}", device);
  }

  /** Every device's topic under the prefix. */
  String filter(String prefix) {
    return layout(prefix).replace("{deviceId}", "+");
  }

  /** The preset's topic layout under the prefix (the preset's own layout has no room for the bench's run prefix). */
  String layout(String prefix) {
    return prefix + layoutSuffix;
  }

  /** Vigil's bridge settings for this shape: the family's preset. */
  Map<String, String> parserSettings() {
    return parserSettings;
  }

  public static PayloadShape of(String option) {
    return Arrays.stream(values()).filter(s -> s.option.equals(option.toLowerCase(Locale.ROOT))).findFirst()
        .orElseThrow(() -> io.vigil.common.VigilErrors.unknownChoice("bench payload (--payload)", option,
            Arrays.stream(values()).map(PayloadShape::option).toList()));
  }
}
