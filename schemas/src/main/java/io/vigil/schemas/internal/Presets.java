package io.vigil.schemas.internal;

import io.vigil.common.VigilErrors;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.ParserOptions.DeviceIdSource;
import io.vigil.schemas.PayloadMapping;
import io.vigil.schemas.PayloadMapping.ArrayMode;
import io.vigil.schemas.PayloadMapping.Format;
import io.vigil.schemas.PayloadMapping.MissingTimestamp;
import io.vigil.schemas.PayloadMapping.StringMode;
import io.vigil.schemas.PayloadMapping.TimestampUnit;
import io.vigil.schemas.TopicLayout;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One line per device family: topic layout, where the device id is, and the payload mapping, as
 * each family's public documentation describes its MQTT output (sources in
 * schemas/src/test/resources/payloads/README.md, where every preset has its fixtures).
 */
public final class Presets {
  public static final String VIGIL = "vigil";
  public static final String SPARKPLUG_B = "sparkplug-b";
  public static final List<String> FAMILIES = List.of(VIGIL, "zigbee2mqtt", "tasmota", "shelly-gen2", "esphome",
      "homeassistant-statestream", "owntracks", "ttn-v3", SPARKPLUG_B);
  public static final List<String> NAMES = java.util.stream.Stream.concat(FAMILIES.stream(), java.util.stream.Stream.of(AutoDialect.AUTO))
      .toList();

  private static final PayloadMapping DEVICE_JSON = new PayloadMapping("custom", Format.JSON, List.of(), TimestampUnit.AUTO, null,
      MissingTimestamp.ARRIVAL, "", List.of(), List.of(), ArrayMode.SKIP, StringMode.ATTRIBUTE, null);

  private Presets() {}

  public static ParserOptions apply(ParserOptions base, String name) {
    return switch (name) {
      case VIGIL -> base.withTopicLayout(TopicLayout.DEFAULT).withDeviceIdSource(DeviceIdSource.TOPIC_OR_PAYLOAD)
          .withDeviceIdField("deviceId").withMapping(PayloadMapping.VIGIL);
      // No timestamp unless the bridge's last_seen option is on (ISO or epoch ms); availability per device.
      case "zigbee2mqtt" -> fromTopic(base, "zigbee2mqtt/{deviceId}", DEVICE_JSON.withName(name)
          .withTimestampFields(List.of("last_seen")).withStatusLayout(TopicLayout.of("zigbee2mqtt/{deviceId}/availability")));
      // Time is the device's local time without a zone: UTC unless timestamp.zone says otherwise.
      case "tasmota" -> fromTopic(base, "tele/{deviceId}/SENSOR", DEVICE_JSON.withName(name)
          .withTimestampFields(List.of("Time")).withTimestampZone(ZoneOffset.UTC).withMissingTimestamp(MissingTimestamp.REJECT)
          .withStatusLayout(TopicLayout.of("tele/{deviceId}/LWT")));
      // Generic status updates: one topic per component, whose name prefixes the readings
      // (switch:0.apower). They carry no time (aenergy.minute_ts is the start of the last whole
      // minute, not the reading's time), except sys.unixtime.
      case "shelly-gen2" -> fromTopic(base, "{deviceId}/status/{metric}", DEVICE_JSON.withName(name)
          .withTimestampFields(List.of("unixtime")).withExclude(List.of("*.id", "*.minute_ts"))
          .withStatusLayout(TopicLayout.of("{deviceId}/online")));
      // <node>/<component type>/<object id>/state with the bare value; the metric is the object id.
      case "esphome" -> fromTopic(base, "{deviceId}/+/{metric}/state", DEVICE_JSON.withName(name)
          .withStatusLayout(TopicLayout.of("{deviceId}/status")));
      // <base>/<domain>/<object id>/state: the device is the Home Assistant instance (its base
      // topic), the metric the entity id (sensor.outdoor_temperature).
      case "homeassistant-statestream" -> fromTopic(base, "{deviceId}/{metric}/{metric}/state", DEVICE_JSON.withName(name));
      // owntracks/<user>/<device> is device <user>:<device>: device names (phone) repeat across users.
      // tst is epoch seconds; created_at is when the app built the message.
      case "owntracks" -> fromTopic(base, "owntracks/{deviceId}/{deviceId}", DEVICE_JSON.withName(name)
          .withTimestampFields(List.of("tst")).withTimestampUnit(TimestampUnit.S).withMissingTimestamp(MissingTimestamp.REJECT)
          .withExclude(List.of("created_at")));
      // v3/<app>@<tenant>/devices/<device>/up; readings are what the payload formatter decoded.
      case "ttn-v3" -> base.withTopicLayout(TopicLayout.of("v3/+/devices/{deviceId}/up"))
          .withDeviceIdSource(DeviceIdSource.TOPIC_OR_PAYLOAD).withDeviceIdField("end_device_ids.device_id")
          .withMapping(DEVICE_JSON.withName(name).withTimestampFields(List.of("received_at", "uplink_message.received_at"))
              .withMissingTimestamp(MissingTimestamp.REJECT).withMetricsRoot("uplink_message.decoded_payload"));
      // Reserved: the Sparkplug B decoder reads spBv1.0/<group>/<type>/<node>[/<device>].
      case SPARKPLUG_B -> base.withTopicLayout(TopicLayout.of("spBv1.0/+/+/{deviceId}")).withDeviceIdSource(DeviceIdSource.TOPIC)
          .withMapping(DEVICE_JSON.withName(name).withMissingTimestamp(MissingTimestamp.REJECT)
              .withTimestampFields(List.of("timestamp")).withFormat(Format.SPARKPLUG_B));
      // Each message is read by the family its topic names (AutoDialect); the layout stays the route's.
      case AutoDialect.AUTO -> base.withMapping(DEVICE_JSON.withName(name));
      default -> throw VigilErrors.unknownChoice("parser preset", name, NAMES);
    };
  }

  private static ParserOptions fromTopic(ParserOptions base, String layout, PayloadMapping mapping) {
    return base.withTopicLayout(TopicLayout.of(layout)).withDeviceIdSource(DeviceIdSource.TOPIC).withMapping(mapping);
  }
}
