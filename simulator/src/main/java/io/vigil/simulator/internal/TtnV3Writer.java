package io.vigil.simulator.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.simulator.Dialect;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * The Things Stack v3 uplink on {@code v3/<app-id>@<tenant>/devices/<device-id>/up}
 * (thethingsindustries.com docs, "MQTT Server" and "Data Formats"): ids under {@code end_device_ids},
 * {@code received_at} (the Application Server's receive time, ISO-8601 with nanoseconds), readings under
 * {@code uplink_message.decoded_payload}, radio data under {@code uplink_message.rx_metadata[]} and
 * {@code settings}. The time is the network's, so a device's clock skew does not show.
 */
final class TtnV3Writer extends JsonDialectWriter {
  private static final DateTimeFormatter NANOS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  private final String topic;
  private final String devEui;
  private final String devAddr;
  private final String gateway;

  TtnV3Writer(DeviceProfile profile, SplittableRandom extras) {
    super(profile, extras);
    this.topic = DialectWriters.topic(Dialect.TTN_V3, profile.id(), "");
    this.devEui = String.format("70B3D57ED%07X", profile.index() & 0xfffffff);
    this.devAddr = String.format("260B%04X", extras.nextInt(0x10000));
    this.gateway = String.format("AA555A%010X", (long) extras.nextInt(8));
  }

  @Override
  String topic() {
    return topic;
  }

  @Override
  void body(JsonGenerator g, Sample s) throws IOException {
    int subMs = extras.nextInt(1_000_000);
    int rssi = -110 + extras.nextInt(70);
    double snr = round(-5 + 15 * extras.nextDouble(), 1);
    long corr = extras.nextLong();
    long received = s.reportedMs();
    String receivedAt = iso(received, subMs);
    String gatewayTime = iso(received - 40, subMs);
    g.writeStartObject();
    g.writeObjectFieldStart("end_device_ids");
    g.writeStringField("device_id", profile.id());
    g.writeObjectFieldStart("application_ids");
    g.writeStringField("application_id", DialectWriters.TTN_APPLICATION);
    g.writeEndObject();
    g.writeStringField("dev_eui", devEui);
    g.writeStringField("join_eui", "0000000000000000");
    g.writeStringField("dev_addr", devAddr);
    g.writeEndObject();
    g.writeArrayFieldStart("correlation_ids");
    g.writeString("as:up:" + ulid(received, corr));
    g.writeString("gs:uplink:" + ulid(received - 40, ~corr));
    g.writeEndArray();
    if (!missingTs(s)) {
      g.writeStringField("received_at", receivedAt);
    }
    g.writeObjectFieldStart("uplink_message");
    g.writeStringField("session_key_id", Base64.getEncoder().encodeToString(devEui.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    g.writeNumberField("f_port", 1);
    g.writeNumberField("f_cnt", s.seq());
    g.writeStringField("frm_payload", Base64.getEncoder().encodeToString(java.nio.ByteBuffer.allocate(8).putLong(corr).array()));
    g.writeObjectFieldStart("decoded_payload");
    for (int i = 0; i < s.values().length; i++) {
      metric(g, profile.metrics().get(i).name(), s, i);
    }
    g.writeEndObject();
    g.writeArrayFieldStart("rx_metadata");
    g.writeStartObject();
    g.writeObjectFieldStart("gateway_ids");
    g.writeStringField("gateway_id", "eui-" + gateway.toLowerCase(java.util.Locale.ROOT));
    g.writeStringField("eui", gateway);
    g.writeEndObject();
    g.writeStringField("time", gatewayTime);
    g.writeNumberField("timestamp", Math.floorMod(received * 1000, 1L << 32));
    g.writeNumberField("rssi", rssi);
    g.writeNumberField("channel_rssi", rssi);
    g.writeNumberField("snr", snr);
    g.writeEndObject();
    g.writeEndArray();
    g.writeObjectFieldStart("settings");
    g.writeObjectFieldStart("data_rate");
    g.writeObjectFieldStart("lora");
    g.writeNumberField("bandwidth", 125_000);
    g.writeNumberField("spreading_factor", 7);
    g.writeEndObject();
    g.writeEndObject();
    g.writeStringField("coding_rate", "4/5");
    g.writeStringField("frequency", "868100000");
    g.writeEndObject();
    g.writeStringField("received_at", iso(received - 20, subMs));
    g.writeStringField("consumed_airtime", "0.061696s");
    g.writeObjectFieldStart("network_ids");
    g.writeStringField("net_id", "000013");
    g.writeStringField("tenant_id", DialectWriters.TTN_TENANT);
    g.writeStringField("cluster_id", "eu1");
    g.writeEndObject();
    g.writeEndObject();
    padding(g, s);
    g.writeEndObject();
  }

  /** ISO-8601 with nanoseconds: the millisecond instant plus a sub-millisecond part. */
  private static String iso(long ms, int subMs) {
    return NANOS.format(Instant.ofEpochMilli(ms).plusNanos(subMs));
  }

  /** A ULID-shaped id: 48-bit time, 80 bits from {@code random}, Crockford base 32. */
  private static String ulid(long ms, long random) {
    StringBuilder sb = new StringBuilder(26);
    for (int i = 9; i >= 0; i--) {
      sb.append(CROCKFORD.charAt((int) ((ms >>> (5 * i)) & 31)));
    }
    for (int i = 0; i < 16; i++) {
      sb.append(CROCKFORD.charAt((int) ((random >>> (4 * i)) & 31)));
    }
    return sb.toString();
  }
}
