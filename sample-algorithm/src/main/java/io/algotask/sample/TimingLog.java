package io.algotask.sample;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The service's own timing log, for benchmarks: one line per event of an attempt, with the wall
 * clock in microseconds since the epoch, so that it lines up with the orchestrator's records.
 *
 * <pre>
 * 1764201600123456 received ocr doc-42 1
 * 1764201600124012 callback-sent ocr doc-42 1
 * 1764201600131877 callback-answered ocr doc-42 1
 * </pre>
 *
 * <p>{@code received}: a valid invocation arrived (before it is admitted, so duplicates and
 * refusals show too); {@code callback-sent}: a try of the attempt's callback goes out; {@code
 * callback-answered}: the orchestrator answered it (any status below 500).
 *
 * <p>Off unless the environment variable {@code ALGOTASK_SAMPLE_TIMING_LOG} (or the system property
 * {@code algotask.sample.timingLog}) names a file, which is appended to. It is one per process:
 * servers embedded in one JVM share it. Each line is one write, so nothing is lost at exit.
 */
final class TimingLog {
  static final String ENVIRONMENT_VARIABLE = "ALGOTASK_SAMPLE_TIMING_LOG";
  static final String PROPERTY = "algotask.sample.timingLog";
  private static final System.Logger LOG = System.getLogger(TimingLog.class.getName());
  private static final TimingLog INSTANCE = open();

  private final OutputStream out;

  private TimingLog(OutputStream out) {
    this.out = out;
  }

  static void received(String algorithm, AttemptKey key) {
    write("received", algorithm, key);
  }

  static void callbackSent(String algorithm, AttemptKey key) {
    write("callback-sent", algorithm, key);
  }

  static void callbackAnswered(String algorithm, AttemptKey key) {
    write("callback-answered", algorithm, key);
  }

  /** {@code 1764201600123456 received ocr doc-42 1} */
  static String line(Instant at, String event, String algorithm, AttemptKey key) {
    long micros = at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    return micros + " " + event + " " + algorithm + " " + key.taskId() + " " + key.attempt() + "\n";
  }

  private static void write(String event, String algorithm, AttemptKey key) {
    if (INSTANCE != null) {
      INSTANCE.append(line(Instant.now(), event, algorithm, key));
    }
  }

  private synchronized void append(String line) {
    try {
      out.write(line.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "timing log: " + e);
    }
  }

  private static TimingLog open() {
    String path = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT_VARIABLE));
    if (path == null || path.isBlank()) {
      return null;
    }
    try {
      return new TimingLog(new FileOutputStream(path, true));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "timing log " + path + " cannot be opened: " + e);
      return null;
    }
  }
}
