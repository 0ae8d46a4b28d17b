package io.vigil.streaming;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Collects what one class logs at INFO and above (Spark's log4j2 backs slf4j in the tests). */
final class LogCapture implements AutoCloseable {
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final String name;
  private final LoggerContext context;

  private LogCapture(Class<?> type) {
    name = type.getName();
    context = (LoggerContext) LogManager.getContext(false);
    AbstractAppender appender = new AbstractAppender("capture-" + name, null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        messages.add(event.getMessage().getFormattedMessage());
      }
    };
    appender.start();
    Configuration config = context.getConfiguration();
    LoggerConfig logger = new LoggerConfig(name, Level.INFO, false);
    logger.addAppender(appender, Level.INFO, null);
    config.addLogger(name, logger);
    context.updateLoggers();
  }

  static LogCapture of(Class<?> type) {
    return new LogCapture(type);
  }

  List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    context.getConfiguration().removeLogger(name);
    context.updateLoggers();
  }
}
