package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.config.ConfigException;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TopicLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's parser per bridge route: written in the job's config, or read from the bridge's own file. */
class ParserRoutesConfigTest {
  @TempDir Path dir;

  @Test
  void routesTakeTheBridgeRoutesMappingKeysUnderParserRoutes() {
    StreamingJobConfig c = StreamingJobConfig.load(null, List.of("parser.routes=z2m,plant",
        "parser.routes.z2m.preset=zigbee2mqtt", "parser.routes.plant.topic.layout=plant/{deviceId}/data",
        "parser.routes.plant.key.from=topic", "parser.routes.plant.timestamp.missing=arrival"));
    assertThat(c.routeParsers()).containsOnlyKeys("z2m", "plant");
    assertThat(c.routeParsers().get("z2m").options().topicLayout().template()).isEqualTo("zigbee2mqtt/{deviceId}");
    ParserOptions plant = c.routeParsers().get("plant").options();
    assertThat(plant.topicLayout().template()).isEqualTo("plant/{deviceId}/data");
    assertThat(plant.deviceIdSource()).isEqualTo(ParserOptions.DeviceIdSource.TOPIC);
    // The default parser is Vigil's own dialect, unchanged.
    assertThat(c.parserOptions().topicLayout().template()).isEqualTo(TopicLayout.DEFAULT.template());
    assertThat(StreamingJobConfig.defaults().routeParsers()).isEmpty();
  }

  @Test
  void aRouteKeyOfARouteNotListedOrABadValueNamesTheKey() {
    assertThatThrownBy(() -> StreamingJobConfig.load(null, List.of("parser.routes=z2m", "parser.routes.tasmota.preset=tasmota")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("parser.routes.tasmota.preset")
        .hasMessageContaining("parser.routes=z2m,tasmota");
    assertThatThrownBy(() -> StreamingJobConfig.load(null, List.of("parser.routes=z2m", "parser.routes.z2m.preset=zigbee")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("parser.routes.z2m.preset");
  }

  @Test
  void theBridgesFileGivesTheRoutesOnceWithoutItsRoutingKeysOrRawRoutes() throws Exception {
    Path bridge = dir.resolve("bridge.properties");
    Files.writeString(bridge, String.join("\n",
        "mqtt.url=tcp://127.0.0.1:1883",
        "parser.strict=false",
        "parser.status.topic.layout=status/{deviceId}",
        "routes=z2m,tasmota,alarms",
        "routes.z2m.filters=zigbee2mqtt/+,zigbee2mqtt/+/availability",
        "routes.z2m.qos=1",
        "routes.z2m.preset=zigbee2mqtt",
        "routes.tasmota.filters=tele/+/SENSOR,tele/+/LWT",
        "routes.tasmota.preset=tasmota",
        "routes.tasmota.timestamp.zone=Europe/Berlin",
        "routes.alarms.format=raw",
        "routes.alarms.filters=sites/+/alarms",
        "routes.alarms.kafka.topic=site.alarms"));
    StreamingJobConfig c = StreamingJobConfig.load(null, List.of("parser.bridge.config=" + bridge, "parser.max.payload.bytes=1024"));
    assertThat(c.routeParsers()).containsOnlyKeys("z2m", "tasmota");
    assertThat(c.routeParsers().get("tasmota").options().mapping().timestampZone()).hasToString("Europe/Berlin");
    assertThat(c.parserOptions().strict()).as("the bridge's parser.* default").isFalse();
    assertThat(c.parserOptions().maxPayloadBytes()).as("the job's own key wins").isEqualTo(1024);
    assertThat(c.routeParsers().get("z2m").options().maxPayloadBytes()).isEqualTo(1024);
  }

  @Test
  void routesInBothPlacesAreRefusedAndAMissingBridgeFileIsNamed() {
    assertThatThrownBy(() -> StreamingJobConfig.load(null, List.of("parser.bridge.config=" + dir.resolve("b.properties"),
        "parser.routes=z2m")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("parser.routes").hasMessageContaining("parser.bridge.config");
    assertThatThrownBy(() -> StreamingJobConfig.load(null, List.of("parser.bridge.config=" + dir.resolve("missing.properties"))))
        .hasMessageContaining("missing.properties");
  }
}
