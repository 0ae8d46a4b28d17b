package io.vigil.cli.internal;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * While the demo runs, its log (the jobs', the bridge's, everything the log configuration lets
 * through) goes to a file in the run's directory; only WARN and above reach the screen, handed to
 * {@code screen} (the status printer, which prints them above its line). {@link #close} restores
 * the appenders it found.
 */
public final class DemoLogs implements AutoCloseable {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n%throwable";

  private final LoggerContext context;
  private final LoggerConfig root;
  private final Map<String, Appender> displaced;
  private final Appender file;
  private final Appender screen;

  private DemoLogs(LoggerContext context, LoggerConfig root, Map<String, Appender> displaced, Appender file, Appender screen) {
    this.context = context;
    this.root = root;
    this.displaced = displaced;
    this.file = file;
    this.screen = screen;
  }

  /** Diverts the root logger's appenders: everything to {@code logFile}, WARN and above to {@code screen}. */
  public static DemoLogs divert(Path logFile, Consumer<String> screen) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    PatternLayout layout = PatternLayout.newBuilder().withPattern(PATTERN).withConfiguration(config).build();
    Appender file = FileAppender.newBuilder().setName("vigil-demo-file").withFileName(logFile.toString())
        .withAppend(true).setLayout(layout).setConfiguration(config).build();
    Appender toScreen = new ScreenAppender(layout, screen);
    file.start();
    toScreen.start();
    LoggerConfig root = config.getRootLogger();
    Map<String, Appender> displaced = Map.copyOf(root.getAppenders());
    displaced.keySet().forEach(root::removeAppender);
    root.addAppender(file, null, null);
    root.addAppender(toScreen, Level.WARN, null);
    context.updateLoggers();
    return new DemoLogs(context, root, displaced, file, toScreen);
  }

  @Override
  public void close() {
    root.removeAppender(file.getName());
    root.removeAppender(screen.getName());
    displaced.values().forEach(a -> root.addAppender(a, null, null));
    context.updateLoggers();
    file.stop();
    screen.stop();
  }

  /** Hands each event, formatted and without its line end, to a consumer. */
  private static final class ScreenAppender extends AbstractAppender {
    private final Consumer<String> screen;

    ScreenAppender(Layout<? extends Serializable> layout, Consumer<String> screen) {
      super("vigil-demo-screen", null, layout, true, Property.EMPTY_ARRAY);
      this.screen = screen;
    }

    @Override
    public void append(LogEvent event) {
      screen.accept(new String(getLayout().toByteArray(event), java.nio.charset.StandardCharsets.UTF_8).stripTrailing());
    }
  }
}
