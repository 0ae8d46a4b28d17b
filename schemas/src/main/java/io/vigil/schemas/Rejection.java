package io.vigil.schemas;

import java.io.Serializable;
import java.util.Objects;

/**
 * A refusal: the typed reason, the field at fault (a JSON path such as {@code metrics.temperature},
 * {@code ts}, or {@code topic}; null for the whole payload), and a message saying what was wrong
 * and how to fix it.
 */
public record Rejection(RejectReason reason, String field, String message) implements Serializable {
  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
