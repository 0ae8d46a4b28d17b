package io.vigil.simulator.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.simulator.Dialect;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * Zigbee2MQTT's device state on {@code zigbee2mqtt/<friendly name>} (zigbee2mqtt.io, "MQTT Topics and
 * Messages"): a flat object of the device's exposes with {@code linkquality}, a battery for battery
 * devices, booleans ({@code occupancy}, {@code vibration}, {@code battery_low}), strings ({@code state},
 * {@code action}) and the OTA {@code update} object. No timestamp ({@code last_seen} is off by default).
 */
final class Zigbee2MqttWriter extends JsonDialectWriter {
  private final String topic;
  private final long firmware;
  private double battery;

  Zigbee2MqttWriter(DeviceProfile profile, SplittableRandom extras) {
    super(profile, extras);
    this.topic = DialectWriters.topic(Dialect.ZIGBEE2MQTT, profile.id(), "");
    this.firmware = 0x1000000L + extras.nextInt(0x100);
    this.battery = 60 + 40 * extras.nextDouble();
  }

  @Override
  String topic() {
    return topic;
  }

  @Override
  void body(JsonGenerator g, Sample s) throws IOException {
    int linkquality = 40 + extras.nextInt(216);
    double flag = extras.nextDouble();
    battery = Math.max(1, battery - 0.01 * extras.nextDouble());
    boolean mains = profile.type() == DeviceType.POWER;
    g.writeStartObject();
    if (!mains) {
      g.writeNumberField("battery", Math.round(battery));
    }
    for (int i = 0; i < s.values().length; i++) {
      metric(g, profile.metrics().get(i).name(), s, i);
    }
    g.writeNumberField("linkquality", linkquality);
    switch (profile.type()) {
      case ENVIRONMENT -> {
        g.writeBooleanField("battery_low", battery < 10);
        g.writeNumberField("voltage", Math.round(2700 + 5 * battery));
      }
      case NOISE -> g.writeBooleanField("occupancy", flag < 0.3);
      case VIBRATION -> {
        g.writeBooleanField("vibration", flag < 0.2);
        if (flag < 0.2) {
          g.writeStringField("action", "vibration");
        }
      }
      case POWER -> {
        g.writeStringField("state", "ON");
        g.writeStringField("power_on_behavior", "previous");
      }
      default -> { }
    }
    g.writeObjectFieldStart("update");
    g.writeNumberField("installed_version", firmware);
    g.writeNumberField("latest_version", firmware);
    g.writeStringField("state", "idle");
    g.writeEndObject();
    padding(g, s);
    g.writeEndObject();
  }
}
