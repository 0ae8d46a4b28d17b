package io.vigil.schemas;

import java.io.Serializable;
import java.util.Objects;

/**
 * A text value a device sent next to its readings ({@code "status": "RUNNING"}, {@code "fw": "1.4.2"}),
 * kept rather than refused, at the same event time as the readings of its message. The device is
 * the {@link ParseResult}'s.
 *
 * @param name the dotted path of the field, named like a metric ({@code update.state})
 */
public record Attribute(String name, String value, long eventTimeMillis) implements Serializable {
  public Attribute {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
