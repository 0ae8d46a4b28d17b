package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.internal.SparkplugNames;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sparkplug names become Vigil metric names and device ids by the documented mapping, and obey Vigil's rules. */
class SparkplugNamesTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Supply Voltage|Supply_Voltage",
      "Inputs/Pressure|Inputs.Pressure",
      "Motor 1/Speed (rpm)|Motor_1.Speed__rpm_",
      "Properties/Hardware Make|Properties.Hardware_Make",
      "1st stage/Temp|_1st_stage.Temp",
      "/leading|_.leading",
      "Temp°C|Temp_C",
      "a:b-c.d_e|a:b-c.d_e"})
  void metricNames(String sparkplug, String vigil) {
    assertThat(SparkplugNames.metricName(sparkplug)).isEqualTo(vigil);
    assertThat(TelemetryParser.isMetricName(vigil)).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "Plant1|Edge-01|-|Plant1:Edge-01",
      "Plant1|Edge-01|Pump 7|Plant1:Edge-01:Pump_7",
      "Sparkplug B Devices|C Edge Node 1|Emulated Device|Sparkplug_B_Devices:C_Edge_Node_1:Emulated_Device",
      "g|host:1|dev|g:host_1:dev"})
  void deviceIds(String group, String node, String device, String id) {
    assertThat(SparkplugNames.deviceId(group, node, device)).isEqualTo(id)
        .matches(ParserOptions.DEFAULT_DEVICE_ID_PATTERN);
  }
}
