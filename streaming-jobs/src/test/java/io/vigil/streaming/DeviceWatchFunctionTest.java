package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.AnomalyKind;
import io.vigil.streaming.internal.DeviceWatchFunction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The Spark adapter on Spark's TestGroupState: timeouts set, state kept or removed, rows out. */
class DeviceWatchFunctionTest {
  private static final long T0 = DeviceWatchTest.T0;
  private static final StructType INPUT = new StructType()
      .add("device_id", DataTypes.StringType).add("event_ms", DataTypes.LongType).add("arrival_ms", DataTypes.LongType)
      .add("measurement_index", DataTypes.IntegerType).add("metric", DataTypes.StringType)
      .add("value", DataTypes.DoubleType).add("arrival_time", DataTypes.TimestampType);

  private final DeviceWatchFunction fn = new DeviceWatchFunction(DeviceWatchTest.settings(
      "device.watch.threshold.loud.metric=noise", "device.watch.threshold.loud.above=85"));

  @Test
  void aRegistryDeviceWithoutDataInTheFirstBatchGetsItsNeverReportedTimeout() {
    TestGroupState<DeviceState> state = TestGroupState.create(Optional.of(DeviceState.registered("ghost", 10_000)),
        GroupStateTimeout.ProcessingTimeTimeout(), T0, Optional.of(0L), false);
    List<Row> out = call("ghost", List.of(), state);
    assertThat(out).isEmpty();
    assertThat(state.isUpdated()).isTrue();
    assertThat(state.get().getWatchSinceMs()).isEqualTo(T0);
    assertThat(state.getTimeoutTimestampMs().get()).isEqualTo(T0 + 30_000);
  }

  @Test
  void readingsUpdateTheStateSetTheGapTimeoutAndEmitThresholdRows() {
    TestGroupState<DeviceState> state = TestGroupState.create(Optional.empty(), GroupStateTimeout.ProcessingTimeTimeout(),
        T0, Optional.of(T0 - 1_000), false);
    List<Row> out = call("dev-1", List.of(reading(T0 - 500, 0, "temperature", 20.0), reading(T0 - 500, 1, "noise", 91.0)),
        state);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getString(1)).isEqualTo("THRESHOLD");
    assertThat(AnomalyEventJson.fromJson(out.get(0).getString(15)).kind()).isEqualTo(AnomalyKind.THRESHOLD);
    assertThat(state.get().getLastArrivalMs()).isEqualTo(T0 - 500);
    // Not yet the gap deadline (60 s default x 3 after the last arrival): the watermark (T0 - 1 s)
    // has not passed this reading, so the next batch (1 s trigger) looks again to see where it stands.
    assertThat(state.getTimeoutTimestampMs().get()).isEqualTo(T0 + 1_000);
  }

  @Test
  void aTimeoutRaisesTheGapAndAnExpiredDeviceIsRemoved() {
    DeviceState s = new DeviceWatch(DeviceWatchTest.settings(), java.time.Clock.fixed(java.time.Instant.ofEpochMilli(T0),
        java.time.ZoneOffset.UTC)).onReadings("dev-1", null, List.of(new DeviceWatch.Reading(T0, T0))).state();
    TestGroupState<DeviceState> timedOut = TestGroupState.create(Optional.of(s), GroupStateTimeout.ProcessingTimeTimeout(),
        T0 + 200_000, Optional.of(T0 + 199_000), true);
    assertThat(call("dev-1", List.of(), timedOut)).extracting(r -> r.getString(1)).containsExactly("GAP");
    assertThat(timedOut.exists()).isTrue();

    TestGroupState<DeviceState> expired = TestGroupState.create(Optional.of(timedOut.get()),
        GroupStateTimeout.ProcessingTimeTimeout(), T0 + 2 * 86_400_000L, Optional.of(T0 + 2 * 86_400_000L - 1_000), true);
    assertThat(call("dev-1", List.of(), expired)).extracting(r -> r.getString(1)).containsExactly("INACTIVE");
    assertThat(expired.isRemoved()).isTrue();
  }

  @Test
  void aStatusRowOfflineRaisesInactiveAtOnce() {
    DeviceState s = new DeviceWatch(DeviceWatchTest.settings(), java.time.Clock.fixed(java.time.Instant.ofEpochMilli(T0),
        java.time.ZoneOffset.UTC)).onReadings("dev-1", null, List.of(new DeviceWatch.Reading(T0, T0))).state();
    StructType withStatus = INPUT.add("status", DataTypes.StringType);
    Row offline = new GenericRowWithSchema(new Object[] {"dev-1", T0 + 4_000, T0 + 5_000, null, null, null,
        new java.sql.Timestamp(T0 + 5_000), "OFFLINE"}, withStatus);
    TestGroupState<DeviceState> state = TestGroupState.create(Optional.of(s), GroupStateTimeout.ProcessingTimeTimeout(),
        T0 + 6_000, Optional.of(T0 + 5_000), false);
    assertThat(call("dev-1", List.of(offline), state)).extracting(r -> r.getString(1)).containsExactly("INACTIVE");
    assertThat(state.get().status()).isEqualTo(DeviceState.Status.OFFLINE);
  }

  private List<Row> call(String device, List<Row> rows, TestGroupState<DeviceState> state) {
    List<Row> out = new ArrayList<>();
    Iterator<Row> it = fn.call(device, rows.iterator(), state);
    it.forEachRemaining(out::add);
    return out;
  }

  private static Row reading(long arrivalMs, int index, String metric, double value) {
    return new GenericRowWithSchema(new Object[] {"dev-1", arrivalMs - 2_000, arrivalMs, index, metric, value,
        new java.sql.Timestamp(arrivalMs)}, INPUT);
  }

  @Test
  void theStateWithItsPacingMetricRoundTripsThroughTheStateStoreEncoding() {
    DeviceWatch watch = new DeviceWatch(DeviceWatchTest.settings(), java.time.Clock.fixed(java.time.Instant.ofEpochMilli(T0),
        java.time.ZoneOffset.UTC));
    DeviceState s = watch.onReadings("dev-1", null, List.of(new DeviceWatch.Reading(T0, T0, "temperature", 20.0, true),
        new DeviceWatch.Reading(T0 + 150, T0 + 150, "humidity", 40.0, true))).state();
    org.apache.spark.sql.catalyst.encoders.ExpressionEncoder<DeviceState> encoder =
        (org.apache.spark.sql.catalyst.encoders.ExpressionEncoder<DeviceState>) org.apache.spark.sql.Encoders.bean(DeviceState.class);
    // What the state store does with it: serialize to a row, read the row back (Scala's default arguments spelled out).
    DeviceState back = encoder.resolveAndBind(encoder.resolveAndBind$default$1(), encoder.resolveAndBind$default$2())
        .createDeserializer().apply(encoder.createSerializer().apply(s).copy());
    assertThat(back.getPacingMetric()).isEqualTo("temperature");
    assertThat(back.getPacingArrivalMs()).isEqualTo(T0);
    assertThat(back.getMessagesByMetric()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("temperature", 1L, "humidity", 1L));
    assertThat(back.toString()).isEqualTo(s.toString());
  }
}
