package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONL output keeps every payload exactly: text as text, Sparkplug's protobuf as base64. */
class JsonlSinkTest {
  @TempDir
  Path dir;

  @Test
  void textPayloadsAsTextAndBinaryOnesAsBase64() throws Exception {
    Fleets.Run r = Fleets.run(SimulatorConfig.DIALECT, "vigil,sparkplug-b", SimulatorConfig.DEVICES, "6", SimulatorConfig.HISTORY, "10m");
    Path file = dir.resolve("m.jsonl");
    try (MessageSink sink = MessageSinks.jsonl(file)) {
      r.messages().forEach(sink::send);
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(r.messages().size());
    for (int i = 0; i < lines.size(); i++) {
      SimulatedMessage m = r.messages().get(i);
      JsonNode n = Fleets.JSON.readTree(lines.get(i));
      assertThat(n.get("topic").asText()).isEqualTo(m.topic());
      if (m.dialect() == Dialect.SPARKPLUG_B) {
        assertThat(Base64.getDecoder().decode(n.get("payloadBase64").asText())).isEqualTo(m.payload());
      } else {
        assertThat(n.get("payload").asText()).isEqualTo(m.payloadText());
      }
    }
    assertThat(r.messages()).extracting(SimulatedMessage::dialect).contains(Dialect.VIGIL, Dialect.SPARKPLUG_B);
  }
}
