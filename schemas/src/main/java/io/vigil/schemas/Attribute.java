package io.vigil.schemas;

import java.io.Serializable;
import java.util.Objects;

/**
 * A non-numeric reading that travels next to the measurements of the same message, such as a
 * {@code status} of {@code "RUNNING"} or a firmware version: users query it beside the readings.
 */
public record Attribute(String name, String value, long eventTimeMillis) implements Serializable {
  public Attribute {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
