package io.vigil.simulator.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.simulator.Dialect;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A Shelly Gen2/Gen3 device (shelly-api-docs.shelly.cloud, gen2 "MQTT", "Notifications" and the Switch /
 * Temperature / Humidity / DevicePower / Voltmeter component status), in one of its two MQTT channels:
 *
 * <ul>
 *   <li>{@code shelly-gen2}: generic status updates, each component's whole status on
 *       {@code <device-id>/status/<component>} ({@code switch:0}, {@code temperature:0}, ...), so a reading
 *       is one message per component. They carry no time of the reading ({@code aenergy.minute_ts} is
 *       the start of the last whole minute), so these devices only publish live.</li>
 *   <li>{@code shelly-gen2-rpc}: the {@code NotifyStatus} frame on {@code <device-id>/events/rpc}, with
 *       {@code src} the device id, {@code params.ts} Unix time in seconds with hundredths, and every
 *       component's status under {@code params}. It carries a time, so history can be backfilled.</li>
 * </ul>
 *
 * <p>Both give the same metric names with the component as prefix ({@code switch:0.apower},
 * {@code temperature:0.tC}), the status topic's component segment or the key under {@code params}.
 * Statuses have nested {@code aenergy} with its {@code by_minute} array and {@code minute_ts},
 * {@code temperature} as {@code {tC, tF}}, and a {@code source} string.
 */
final class ShellyGen2Writer extends JsonDialectWriter {
  private final boolean rpc;
  private final String topic;
  private double totalWh;
  private long lastMs = -1;
  private double chipTemp;
  private double battery;

  ShellyGen2Writer(DeviceProfile profile, SplittableRandom extras) {
    super(profile, extras);
    this.rpc = profile.dialect() == Dialect.SHELLY_GEN2_RPC;
    this.topic = DialectWriters.topic(profile.dialect(), profile.id(), "");
    this.totalWh = 10_000 * extras.nextDouble();
  }

  @Override
  String topic() {
    return topic;
  }

  @Override
  public List<Publication> write(Sample s) {
    chipTemp = 35 + 15 * extras.nextDouble();
    battery = 60 + 40 * extras.nextDouble();
    if (profile.type() == DeviceType.POWER) {
      double hours = lastMs < 0 ? 0 : (s.eventMs() - lastMs) / 3_600_000.0;
      lastMs = s.eventMs();
      totalWh += s.values()[0] * hours;
    }
    if (rpc) {
      return super.write(s);
    }
    List<Publication> out = new ArrayList<>();
    List<String> components = components();
    for (int c = 0; c < components.size(); c++) {
      String component = components.get(c);
      // A payload broken as a whole breaks the reading's first message only.
      Sample part = c == 0 ? s : s.withoutWholeBreak();
      out.add(publication(profile.id() + "/status/" + component, part, g -> {
        g.writeStartObject();
        component(g, component, part);
        padding(g, part);
        g.writeEndObject();
      }, truthOf(component, part)));
    }
    return out;
  }

  @Override
  void body(JsonGenerator g, Sample s) throws IOException {
    g.writeStartObject();
    g.writeStringField("src", profile.id());
    g.writeStringField("dst", profile.id() + "/events");
    g.writeStringField("method", "NotifyStatus");
    g.writeObjectFieldStart("params");
    if (!missingTs(s)) {
      // Hundredths of a second, as the docs' examples show (1631186545.04).
      g.writeFieldName("ts");
      g.writeNumber(BigDecimal.valueOf(Math.floorDiv(s.reportedMs(), 10), 2));
    }
    for (String component : components()) {
      g.writeObjectFieldStart(component);
      component(g, component, s);
      g.writeEndObject();
    }
    g.writeEndObject();
    padding(g, s);
    g.writeEndObject();
  }

  private List<String> components() {
    return switch (profile.type()) {
      case POWER -> List.of("switch:0");
      case ENVIRONMENT -> List.of("temperature:0", "humidity:0", "devicepower:0");
      default -> List.of("voltmeter:100");
    };
  }

  private Map<String, Double> truthOf(String component, Sample s) {
    Map<String, Double> out = new LinkedHashMap<>();
    truth(s).forEach((name, v) -> {
      if (name.startsWith(component + ".")) {
        out.put(name, v);
      }
    });
    return out;
  }

  /** The fields of one component's status object. */
  private void component(JsonGenerator g, String component, Sample s) throws IOException {
    switch (component) {
      case "switch:0" -> switchStatus(g, s);
      case "temperature:0" -> {
        g.writeNumberField("id", 0);
        metric(g, "tC", s, 0);
        g.writeNumberField("tF", round(s.values()[0] * 9 / 5 + 32, 1));
      }
      case "humidity:0" -> {
        g.writeNumberField("id", 0);
        metric(g, "rh", s, 1);
      }
      case "devicepower:0" -> {
        g.writeNumberField("id", 0);
        g.writeObjectFieldStart("battery");
        g.writeNumberField("V", round(4.5 + battery / 100 * 1.5, 2));
        g.writeNumberField("percent", Math.round(battery));
        g.writeEndObject();
        g.writeObjectFieldStart("external");
        g.writeBooleanField("present", false);
        g.writeEndObject();
      }
      default -> {
        g.writeNumberField("id", 100);
        g.writeNumberField("voltage", round(s.values()[0] / 10, 3));
        metric(g, "xvoltage", s, 0);
      }
    }
  }

  private void switchStatus(JsonGenerator g, Sample s) throws IOException {
    double power = s.values()[0];
    double voltage = s.values()[1];
    double perMinuteMwh = power / 60 * 1000;
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
    g.writeNumberField("minute_ts", Math.floorDiv(s.reportedMs(), 60_000) * 60);
    g.writeEndObject();
    g.writeObjectFieldStart("temperature");
    g.writeNumberField("tC", round(chipTemp, 1));
    g.writeNumberField("tF", round(chipTemp * 9 / 5 + 32, 1));
    g.writeEndObject();
  }
}
