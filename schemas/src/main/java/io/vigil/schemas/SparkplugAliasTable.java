package io.vigil.schemas;

import com.google.protobuf.InvalidProtocolBufferException;
import io.vigil.schemas.internal.SparkplugAliasHeader;
import io.vigil.schemas.internal.SparkplugDevicesHeader;
import io.vigil.schemas.internal.SparkplugTopic;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 *
 * <p>It also remembers which devices are alive behind each edge node (born by a DBIRTH in the
 * node's session, not dead since by a DDEATH): an NDEATH takes them down with the node, so its
 * record gets the {@link KafkaHeaders#SPARKPLUG_DEVICES} header naming them.
 */
public final class SparkplugAliasTable {
  private final Map<String, Map<Long, SparkplugAliasHeader.Definition>> bySender = new ConcurrentHashMap<>();
  /** Per edge node (its key), the devices born in its session and not dead since, in birth order. */
  private final Map<String, Set<String>> liveDevices = new ConcurrentHashMap<>();

  /**
   * What a message needs: the aliases header to attach (if any), whether it uses aliases no BIRTH
   * defined, and for an NDEATH the devices header ({@link KafkaHeaders#SPARKPLUG_DEVICES}).
   */
  public record Lookup(Optional<String> header, boolean unknownAlias, String group, String edgeNode, Optional<String> devices) {
    public Lookup(Optional<String> header, boolean unknownAlias, String group, String edgeNode) {
      this(header, unknownAlias, group, edgeNode, Optional.empty());
    }
  }

  private static final Lookup NOTHING = new Lookup(Optional.empty(), false, null, null);

  /**
   * Learns from a BIRTH; for a DATA message, returns the header with the names of the aliases it
   * uses. Anything else (other topics, undecodable payloads) needs nothing: the parser judges it.
   */
  public Lookup observe(String topic, byte[] payload) {
    SparkplugTopic t = SparkplugTopic.parse(topic);
    if (t == null || !t.wellFormed() || payload == null) {
      return NOTHING;
    }
    if (t.isDeath()) {
      return death(t);
    }
    if (!(t.isBirth() || t.isData())) {
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

  /**
   * A DDEATH: the device is no longer alive behind its node. An NDEATH: the node and its live
   * devices are gone, named in the header; the node's next session starts with an NBIRTH.
   */
  private Lookup death(SparkplugTopic t) {
    if (t.device() != null) {
      liveDevices.computeIfPresent(t.nodeKey(), (k, devices) -> {
        devices.remove(t.device());
        return devices;
      });
      return NOTHING;
    }
    Set<String> devices = liveDevices.remove(t.nodeKey());
    return new Lookup(Optional.empty(), false, t.group(), t.node(),
        devices == null || devices.isEmpty() ? Optional.empty() : Optional.of(SparkplugDevicesHeader.encode(devices)));
  }

  private void learn(SparkplugTopic t, Payload p) {
    if (t.device() == null) {
      String devicePrefix = t.nodeKey() + "/";
      bySender.keySet().removeIf(k -> k.startsWith(devicePrefix));
      liveDevices.remove(t.nodeKey());
    } else {
      liveDevices.computeIfAbsent(t.nodeKey(), k -> java.util.Collections.synchronizedSet(new LinkedHashSet<>())).add(t.device());
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
