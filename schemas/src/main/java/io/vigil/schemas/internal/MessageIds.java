package io.vigil.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.schemas.Rejection;
import java.util.List;

/** The device's own message id: {@code msgId}/{@code messageId} (string) or {@code seq} (integer), at most one. */
public final class MessageIds {
  public static final List<String> FIELDS = List.of("msgId", "messageId", "seq");

  /** The id (null when there is none), or the reason it is unusable. */
  public record Outcome(String id, Rejection rejection) {}

  private MessageIds() {}

  public static Outcome read(JsonNode root) {
    String messageId = null;
    for (String candidate : FIELDS) {
      JsonNode idNode = root.get(candidate);
      if (idNode == null || idNode.isNull()) {
        continue;
      }
      if (messageId != null) {
        return new Outcome(null, Rejections.invalidMessageId(candidate, "a message carries at most one of msgId, messageId and seq"));
      }
      if (candidate.equals("seq")) {
        if (!idNode.isIntegralNumber() || idNode.asLong() < 0) {
          return new Outcome(null, Rejections.invalidMessageId(candidate, "seq must be a non-negative integer, was " + idNode));
        }
        messageId = Long.toString(idNode.asLong());
      } else {
        if (!idNode.isTextual() || idNode.asText().isEmpty() || idNode.asText().length() > 256) {
          return new Outcome(null, Rejections.invalidMessageId(candidate,
              candidate + " must be a string of 1 to 256 characters, was " + MetricRules.abbreviate(idNode.toString())));
        }
        messageId = idNode.asText();
      }
    }
    return new Outcome(messageId, null);
  }
}
