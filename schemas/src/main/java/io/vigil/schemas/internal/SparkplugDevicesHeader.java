package io.vigil.schemas.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The one codec of the {@code vigil.sparkplug.devices} header: a JSON array of the device names (as
 * in the topics, raw) an NDEATH takes down with its edge node, {@code ["Pump 7","Valve 2"]}.
 */
public final class SparkplugDevicesHeader {
  private static final JsonFactory JSON = new JsonFactory();

  private SparkplugDevicesHeader() {}

  public static String encode(Collection<String> devices) {
    StringWriter out = new StringWriter(16 * devices.size() + 2);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (String d : devices) {
        g.writeString(d);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** The device names in a header value; null when the value is not in this format. */
  public static List<String> decode(String header) {
    List<String> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(header)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
        out.add(p.getText());
      }
      return t == JsonToken.END_ARRAY ? out : null;
    } catch (IOException e) {
      return null;
    }
  }
}
