package io.vigil.schemas.internal;

import java.time.Instant;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

/**
 * A Sparkplug metric's value as a number (Double), text (String) or {@link Unsupported}. Integers
 * travel in protobuf's unsigned fields, so the datatype says how to read them: Int8/Int16 narrow
 * (an encoder may zero- or sign-extend), UInt8/16/32/64 unsigned. Without a datatype (DATA messages
 * may omit it) the value field decides, integers read as signed.
 */
final class SparkplugValues {
  private SparkplugValues() {}

  record Unsupported(String type) {}

  static Object of(Metric m, int datatype) {
    return switch (m.getValueCase()) {
      case INT_VALUE -> (double) integer(m.getIntValue(), datatype);
      case LONG_VALUE -> datatype == DataType.DateTime_VALUE ? Instant.ofEpochMilli(m.getLongValue()).toString()
          : datatype == DataType.UInt64_VALUE ? unsigned(m.getLongValue()) : (double) m.getLongValue();
      case FLOAT_VALUE -> (double) m.getFloatValue();
      case DOUBLE_VALUE -> m.getDoubleValue();
      case BOOLEAN_VALUE -> m.getBooleanValue() ? 1.0 : 0.0;
      case STRING_VALUE -> m.getStringValue();
      default -> new Unsupported(datatype != 0 ? SparkplugDecoder.datatypeName(datatype) : m.getValueCase().name());
    };
  }

  private static long integer(int raw, int datatype) {
    return switch (datatype) {
      case DataType.Int8_VALUE -> (byte) raw;
      case DataType.Int16_VALUE -> (short) raw;
      case DataType.UInt8_VALUE -> raw & 0xFF;
      case DataType.UInt16_VALUE -> raw & 0xFFFF;
      case DataType.UInt32_VALUE, DataType.UInt64_VALUE -> Integer.toUnsignedLong(raw);
      default -> raw;
    };
  }

  private static double unsigned(long raw) {
    return raw >= 0 ? raw : Double.parseDouble(Long.toUnsignedString(raw));
  }

  /** A value as attribute text: whole numbers without a fraction, 0/1 for booleans as numbers. */
  static String text(Object value) {
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(value);
  }
}
