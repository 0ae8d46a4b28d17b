package io.vigil.simulator.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.simulator.Dialect;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * Tasmota's telemetry on {@code tele/<topic>/SENSOR} (tasmota.github.io, MQTT and sensor docs):
 * {@code Time} in the device's local time without a zone and to the second, readings nested under the
 * sensor's name ({@code AM2301}, {@code ESP32}, {@code ANALOG}) or {@code ENERGY} for power monitoring
 * (with its {@code TotalStartTime} string), and {@code TempUnit} when there is a temperature.
 */
final class TasmotaWriter extends JsonDialectWriter {
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private final String topic;
  private final DateTimeFormatter time;
  private final String totalStart;
  private double totalKwh;
  private long lastMs = -1;

  TasmotaWriter(DeviceProfile profile, SplittableRandom extras, ZoneId zone) {
    super(profile, extras);
    this.topic = DialectWriters.topic(Dialect.TASMOTA, profile.id(), "");
    this.time = LOCAL.withZone(zone);
    this.totalKwh = 100 * extras.nextDouble();
    this.totalStart = LOCAL.withZone(zone).format(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(extras.nextInt(30_000_000)));
  }

  @Override
  String topic() {
    return topic;
  }

  @Override
  void body(JsonGenerator g, Sample s) throws IOException {
    double chipTemp = 40 + 10 * extras.nextDouble();
    g.writeStartObject();
    if (!missingTs(s)) {
      g.writeStringField("Time", time.format(Instant.ofEpochMilli(s.reportedMs())));
    }
    switch (profile.type()) {
      case ENVIRONMENT -> {
        g.writeObjectFieldStart("AM2301");
        for (int i = 0; i < s.values().length; i++) {
          metric(g, leaf(i), s, i);
        }
        g.writeNumberField("DewPoint", round(dewPoint(s.values()[0], s.values()[1]), 1));
        g.writeEndObject();
      }
      case POWER -> {
        energy(g, s);
        g.writeObjectFieldStart("ESP32");
        g.writeNumberField("Temperature", round(chipTemp, 1));
        g.writeEndObject();
      }
      default -> {
        g.writeObjectFieldStart("ANALOG");
        for (int i = 0; i < s.values().length; i++) {
          metric(g, leaf(i), s, i);
        }
        g.writeEndObject();
      }
    }
    if (profile.type() == DeviceType.ENVIRONMENT || profile.type() == DeviceType.POWER) {
      g.writeStringField("TempUnit", "C");
    }
    padding(g, s);
    g.writeEndObject();
  }

  private void energy(JsonGenerator g, Sample s) throws IOException {
    double power = s.values()[0];
    double voltage = s.values()[1];
    double hours = lastMs < 0 ? 0 : (s.eventMs() - lastMs) / 3_600_000.0;
    lastMs = s.eventMs();
    double periodWh = power * hours;
    totalKwh += periodWh / 1000;
    double factor = 0.9;
    g.writeObjectFieldStart("ENERGY");
    g.writeStringField("TotalStartTime", totalStart);
    g.writeNumberField("Total", round(totalKwh, 3));
    g.writeNumberField("Yesterday", round(24 * power / 1000, 3));
    g.writeNumberField("Today", round(12 * power / 1000, 3));
    g.writeNumberField("Period", Math.round(periodWh));
    metric(g, "Power", s, 0);
    g.writeNumberField("ApparentPower", Math.round(power / factor));
    g.writeNumberField("ReactivePower", Math.round(power * 0.48));
    g.writeNumberField("Factor", factor);
    metric(g, "Voltage", s, 1);
    g.writeNumberField("Current", round(voltage > 0 ? power / factor / voltage : 0, 3));
    g.writeEndObject();
  }

  /** Magnus formula, as Tasmota computes its DewPoint. */
  private static double dewPoint(double t, double rh) {
    double gamma = Math.log(Math.max(rh, 1) / 100) + 17.62 * t / (243.12 + t);
    return 243.12 * gamma / (17.62 - gamma);
  }
}
