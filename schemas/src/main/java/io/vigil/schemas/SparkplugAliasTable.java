package io.vigil.schemas;

import com.google.protobuf.InvalidProtocolBufferException;
import io.vigil.schemas.internal.SparkplugAliasHeader;
import io.vigil.schemas.internal.SparkplugTopic;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

/**
 * The bridge's memory of Sparkplug B metric aliases: per edge node and per device, the alias to
 * name table of the latest BIRTH it forwarded. The parser is stateless (the streaming job parses
 * each Kafka record on its own, in parallel), so for each DATA message the bridge attaches the names
 * that message's aliases stand for as the {@link KafkaHeaders#SPARKPLUG_ALIASES} header.
 *
 * <p>An NBIRTH starts a new session of the edge node: its table and those of all its devices are
 * replaced (the DBIRTHs that follow fill the device tables again). Thread-safe.
 */
public final class SparkplugAliasTable {
  private final Map<String, Map<Long, SparkplugAliasHeader.Definition>> bySender = new ConcurrentHashMap<>();

  /** What a message needs: the header to attach (if any), and aliases no BIRTH defined. */
  public record Lookup(Optional<String> header, boolean unknownAlias, String group, String edgeNode) {}

  private static final Lookup NOTHING = new Lookup(Optional.empty(), false, null, null);

  /**
   * Learns from a BIRTH; for a DATA message, returns the header with the names of the aliases it
   * uses. Anything else (other topics, undecodable payloads) needs nothing: the parser judges it.
   */
  public Lookup observe(String topic, byte[] payload) {
    SparkplugTopic t = SparkplugTopic.parse(topic);
    if (t == null || !t.wellFormed() || !(t.isBirth() || t.isData()) || payload == null) {
      return NOTHING;
    }
    Payload p;
    try {
      p = Payload.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      return NOTHING;
    }
    if (t.isBirth()) {
      learn(t, p);
      return NOTHING;
    }
    Map<Long, SparkplugAliasHeader.Definition> known = bySender.getOrDefault(t.senderKey(), Map.of());
    Map<Long, SparkplugAliasHeader.Definition> needed = new LinkedHashMap<>();
    boolean unknown = false;
    for (Metric m : p.getMetricsList()) {
      if ((!m.hasName() || m.getName().isEmpty()) && m.hasAlias()) {
        SparkplugAliasHeader.Definition d = known.get(m.getAlias());
        if (d == null) {
          unknown = true;
        } else {
          needed.put(m.getAlias(), d);
        }
      }
    }
    return new Lookup(needed.isEmpty() ? Optional.empty() : Optional.of(SparkplugAliasHeader.encode(needed)), unknown,
        t.group(), t.node());
  }

  private void learn(SparkplugTopic t, Payload p) {
    if (t.device() == null) {
      String devicePrefix = t.nodeKey() + "/";
      bySender.keySet().removeIf(k -> k.startsWith(devicePrefix));
    }
    Map<Long, SparkplugAliasHeader.Definition> table = new ConcurrentHashMap<>();
    for (Metric m : p.getMetricsList()) {
      if (m.hasAlias() && m.hasName() && !m.getName().isEmpty()) {
        table.put(m.getAlias(), new SparkplugAliasHeader.Definition(m.getName(), m.hasDatatype() ? m.getDatatype() : 0));
      }
    }
    bySender.put(t.senderKey(), table);
  }

  /** How many edge nodes and devices the table knows (for the bridge's metrics and tests). */
  public int senders() {
    return bySender.size();
  }
}
