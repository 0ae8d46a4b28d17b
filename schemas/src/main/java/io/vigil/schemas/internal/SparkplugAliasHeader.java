package io.vigil.schemas.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The one codec of the {@code vigil.sparkplug.aliases} header:
 * {@code {"<alias>": {"name": "<metric name>", "datatype": <Sparkplug datatype number>}, ...}}, the
 * alias in decimal (Sparkplug aliases are uint64; read as unsigned), datatype omitted when the BIRTH
 * gave none.
 */
public final class SparkplugAliasHeader {
  private SparkplugAliasHeader() {}

  private static final JsonFactory JSON = new JsonFactory();

  /** A metric's definition from a BIRTH. @param datatype 0 when unknown */
  public record Definition(String name, int datatype) {}

  public static String encode(Map<Long, Definition> byAlias) {
    StringWriter out = new StringWriter(32 * byAlias.size() + 2);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<Long, Definition> e : byAlias.entrySet()) {
        g.writeObjectFieldStart(Long.toUnsignedString(e.getKey()));
        g.writeStringField("name", e.getValue().name());
        if (e.getValue().datatype() != 0) {
          g.writeNumberField("datatype", e.getValue().datatype());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** The definitions in a header value; null when the value is not in this format. */
  public static Map<Long, Definition> decode(String header) {
    Map<Long, Definition> out = new HashMap<>();
    try (JsonParser p = JSON.createParser(header)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        long alias = Long.parseUnsignedLong(p.currentName());
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        String name = null;
        int datatype = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          if (field.equals("name") && v == JsonToken.VALUE_STRING) {
            name = p.getText();
          } else if (field.equals("datatype") && v == JsonToken.VALUE_NUMBER_INT) {
            datatype = p.getIntValue();
          } else {
            p.skipChildren();
          }
        }
        if (name == null) {
          return null;
        }
        out.put(alias, new Definition(name, datatype));
      }
      return out;
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }
}
