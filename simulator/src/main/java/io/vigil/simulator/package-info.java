/**
 * The device simulator behind {@code vigil simulate}.
 *
 * <ul>
 *   <li>{@link io.vigil.simulator.SimulatorConfig}: every setting, typed and validated.</li>
 *   <li>{@link io.vigil.simulator.FleetGenerator}: the pure, deterministic generator of messages and
 *       ground-truth {@link io.vigil.simulator.FaultLabel}s.</li>
 *   <li>{@link io.vigil.simulator.Simulator}: paces a generator into a {@link io.vigil.simulator.MessageSink}
 *       ({@link io.vigil.simulator.MessageSinks}: MQTT, JSONL, counting) and writes the labels.</li>
 *   <li>{@link io.vigil.simulator.FaultLabels}: the labels CSV ({@code device,metric,kind,start,end}).</li>
 *   <li>{@link io.vigil.simulator.SimulateCommand}: the picocli command.</li>
 * </ul>
 *
 * <p>Label times are on the true timeline: a message's event time before clock skew. GAP spans the
 * first to the last reading that was not sent; DEAD starts at the first reading not sent and has no
 * end; lasting faults (FREQUENCY_CHANGE, CLOCK_SKEW, LEVEL_SHIFT, DRIFT) span the first to the last
 * sent message they affect; point faults have start = end = the message's event time.
 */
package io.vigil.simulator;
