package io.vigil.bridge.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The bridge's mapping rules in order. A message belongs to the first route with a matching filter;
 * raw routes are tried first, so a status or last-will message that a broad telemetry filter also
 * matches is forwarded as it is, never dead-lettered as bad telemetry.
 */
public final class Routes {
  private final List<Route> ordered;

  public Routes(List<Route> routes) {
    List<Route> raw = new ArrayList<>();
    List<Route> telemetry = new ArrayList<>();
    for (Route r : routes) {
      (r.format() == Route.Format.RAW ? raw : telemetry).add(r);
    }
    raw.addAll(telemetry);
    this.ordered = List.copyOf(raw);
  }

  public List<Route> all() {
    return ordered;
  }

  /** The route of a message on {@code topic}; the first route when none matches (the broker sent it, so one filter did). */
  public Route of(String topic) {
    for (Route r : ordered) {
      if (r.matches(topic)) {
        return r;
      }
    }
    return ordered.get(ordered.size() - 1);
  }

  /** Every filter of every route, with its route's QoS, for one SUBSCRIBE. */
  public List<MqttLink.Subscription> subscriptions() {
    List<MqttLink.Subscription> subs = new ArrayList<>();
    for (Route r : ordered) {
      for (String f : r.filters()) {
        subs.add(new MqttLink.Subscription(f, r.qos()));
      }
    }
    return subs;
  }
}
