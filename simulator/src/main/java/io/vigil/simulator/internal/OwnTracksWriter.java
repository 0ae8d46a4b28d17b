package io.vigil.simulator.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * An OwnTracks location on {@code owntracks/<user>/<device>} (owntracks.org booklet, JSON "location"):
 * {@code _type} {@code location}, {@code tst} the fix time in epoch seconds, {@code lat}/{@code lon},
 * {@code acc}, {@code batt}, {@code vel} and the usual companions ({@code alt}, {@code vac}, {@code bs},
 * {@code conn}, {@code tid}, {@code m}).
 */
final class OwnTracksWriter extends JsonDialectWriter {
  private final String topic;
  private final String tid;

  OwnTracksWriter(DeviceProfile profile, SplittableRandom extras) {
    super(profile, extras);
    this.topic = profile.topic();
    String id = profile.id();
    this.tid = id.substring(Math.max(0, id.length() - 2));
  }

  @Override
  String topic() {
    return topic;
  }

  @Override
  void body(JsonGenerator g, Sample s) throws IOException {
    int alt = 5 + extras.nextInt(40);
    boolean wifi = extras.nextDouble() < 0.5;
    g.writeStartObject();
    g.writeStringField("_type", "location");
    for (int i = 0; i < s.values().length; i++) {
      metric(g, profile.metrics().get(i).name(), s, i);
    }
    g.writeNumberField("alt", alt);
    g.writeNumberField("bs", 1);
    g.writeStringField("conn", wifi ? "w" : "m");
    g.writeNumberField("m", 1);
    g.writeStringField("tid", tid);
    if (!missingTs(s)) {
      g.writeNumberField("tst", Math.floorDiv(s.reportedMs(), 1000));
    }
    g.writeNumberField("vac", 3 + extras.nextInt(10));
    padding(g, s);
    g.writeEndObject();
  }
}
