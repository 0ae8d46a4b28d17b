package io.vigil.simulator.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.simulator.Dialect;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.SplittableRandom;

/**
 * A Shelly Gen2/Gen3 device's {@code NotifyStatus} frame on {@code <device-id>/events/rpc}
 * (shelly-api-docs.shelly.cloud, gen2 "Notifications" and the Switch / Temperature / Humidity / Voltmeter
 * component status): {@code src} the device id, {@code params.ts} Unix time in seconds with a fraction,
 * and the component's status under {@code params."switch:0"} (or {@code temperature:0}, {@code humidity:0},
 * {@code voltmeter:100}): nested {@code aenergy} with its {@code by_minute} array and {@code minute_ts},
 * {@code temperature} as {@code {tC, tF}}, and a {@code source} string.
 *
 * <p>Why NotifyStatus and not the generic status on {@code <id>/status/switch:0}: the generic status
 * carries no time of the reading ({@code minute_ts} is the start of the last whole minute), so a consumer
 * could only take its arrival time, and history could not be backfilled.
 */
final class ShellyGen2Writer extends JsonDialectWriter {
  private final String topic;
  private double totalWh;
  private long lastMs = -1;

  ShellyGen2Writer(DeviceProfile profile, SplittableRandom extras) {
    super(profile, extras);
    this.topic = DialectWriters.topic(Dialect.SHELLY_GEN2, profile.id(), "");
    this.totalWh = 10_000 * extras.nextDouble();
  }

  @Override
  String topic() {
    return topic;
  }

  @Override
  void body(JsonGenerator g, Sample s) throws IOException {
    double chipTemp = 35 + 15 * extras.nextDouble();
    double battery = 60 + 40 * extras.nextDouble();
    long reported = s.reportedMs();
    g.writeStartObject();
    g.writeStringField("src", profile.id());
    g.writeStringField("dst", profile.id() + "/events");
    g.writeStringField("method", "NotifyStatus");
    g.writeObjectFieldStart("params");
    if (!missingTs(s)) {
      // Hundredths of a second, as the docs' examples show (1631186545.04).
      g.writeFieldName("ts");
      g.writeNumber(BigDecimal.valueOf(Math.floorDiv(reported, 10), 2));
    }
    switch (profile.type()) {
      case POWER -> switchStatus(g, s, reported, chipTemp);
      case ENVIRONMENT -> {
        g.writeObjectFieldStart("temperature:0");
        g.writeNumberField("id", 0);
        metric(g, "tC", s, 0);
        g.writeNumberField("tF", round(s.values()[0] * 9 / 5 + 32, 1));
        g.writeEndObject();
        g.writeObjectFieldStart("humidity:0");
        g.writeNumberField("id", 0);
        metric(g, "rh", s, 1);
        g.writeEndObject();
        g.writeObjectFieldStart("devicepower:0");
        g.writeNumberField("id", 0);
        g.writeObjectFieldStart("battery");
        g.writeNumberField("V", round(4.5 + battery / 100 * 1.5, 2));
        g.writeNumberField("percent", Math.round(battery));
        g.writeEndObject();
        g.writeObjectFieldStart("external");
        g.writeBooleanField("present", false);
        g.writeEndObject();
        g.writeEndObject();
      }
      default -> {
        g.writeObjectFieldStart("voltmeter:100");
        g.writeNumberField("id", 100);
        g.writeNumberField("voltage", round(s.values()[0] / 100 * 10, 3));
        metric(g, "xvoltage", s, 0);
        g.writeEndObject();
      }
    }
    g.writeEndObject();
    padding(g, s);
    g.writeEndObject();
  }

  private void switchStatus(JsonGenerator g, Sample s, long reported, double chipTemp) throws IOException {
    double power = s.values()[0];
    double voltage = s.values()[1];
    double hours = lastMs < 0 ? 0 : (s.eventMs() - lastMs) / 3_600_000.0;
    lastMs = s.eventMs();
    totalWh += power * hours;
    double perMinuteMwh = power / 60 * 1000;
    g.writeObjectFieldStart("switch:0");
    g.writeNumberField("id", 0);
    g.writeStringField("source", "init");
    g.writeBooleanField("output", true);
    metric(g, "apower", s, 0);
    metric(g, "voltage", s, 1);
    g.writeNumberField("current", round(voltage > 0 ? power / voltage : 0, 3));
    g.writeObjectFieldStart("aenergy");
    g.writeNumberField("total", round(totalWh, 3));
    g.writeArrayFieldStart("by_minute");
    for (int k = 0; k < 3; k++) {
      g.writeNumber(round(perMinuteMwh, 3));
    }
    g.writeEndArray();
    g.writeNumberField("minute_ts", Math.floorDiv(reported, 60_000) * 60);
    g.writeEndObject();
    g.writeObjectFieldStart("temperature");
    g.writeNumberField("tC", round(chipTemp, 1));
    g.writeNumberField("tF", round(chipTemp * 9 / 5 + 32, 1));
    g.writeEndObject();
    g.writeEndObject();
  }
}
