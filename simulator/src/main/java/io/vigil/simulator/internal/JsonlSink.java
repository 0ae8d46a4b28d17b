package io.vigil.simulator.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.common.VigilErrors;
import io.vigil.simulator.Dialect;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabels;
import io.vigil.simulator.MessageSink;
import io.vigil.simulator.SimulatedMessage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * One JSON object per line: deviceId, topic, eventTime, publishTime, faults and the payload as a
 * string (UTF-8 text, even malformed ones), or for a binary dialect (Sparkplug B's protobuf) as
 * {@code payloadBase64}.
 */
public final class JsonlSink implements MessageSink {
  private static final JsonFactory JSON = new JsonFactory();
  private final Path file;
  private final BufferedWriter writer;
  private long count;

  public JsonlSink(Path file) {
    this.file = file;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw VigilErrors.outputNotWritable(file, e);
    }
  }

  @Override
  public void send(SimulatedMessage m) {
    try {
      JsonGenerator g = JSON.createGenerator(writer);
      g.writeStartObject();
      g.writeStringField("deviceId", m.deviceId());
      g.writeStringField("topic", m.topic());
      g.writeStringField("eventTime", FaultLabels.format(m.eventTime()));
      g.writeStringField("publishTime", FaultLabels.format(m.publishTime()));
      g.writeArrayFieldStart("faults");
      for (FaultKind k : DeviceStream.sorted(m.faults())) {
        g.writeString(k.name());
      }
      g.writeEndArray();
      if (m.dialect() == Dialect.SPARKPLUG_B) {
        g.writeStringField("payloadBase64", Base64.getEncoder().encodeToString(m.payload()));
      } else {
        g.writeStringField("payload", m.payloadText());
      }
      g.writeEndObject();
      g.flush();
      writer.write('\n');
      count++;
    } catch (IOException e) {
      throw VigilErrors.outputNotWritable(file, e);
    }
  }

  @Override
  public void flush() {
    try {
      writer.flush();
    } catch (IOException e) {
      throw VigilErrors.outputNotWritable(file, e);
    }
  }

  @Override
  public long delivered() {
    return count;
  }

  @Override
  public long failed() {
    return 0;
  }

  @Override
  public void close() {
    try {
      writer.close();
    } catch (IOException e) {
      throw VigilErrors.outputNotWritable(file, e);
    }
  }
}
