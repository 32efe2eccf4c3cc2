package io.algotask.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What to run and against what, from {@code [scenario ...] [--key=value ...]}. Sizes and durations
 * are the at {@code --scale=1}; a smaller scale shrinks each (with a floor) for a quick
 * try.
 */
record BenchSettings(
    List<String> scenarios,
    double scale,
    Path root,
    Path stackDir,
    Path reportDir,
    String kafka,
    String temporal,
    String namespace,
    String jdbcUrl,
    String dbUser,
    String dbPassword,
    String redisUri,
    String s3Endpoint,
    String s3Region,
    String s3AccessKey,
    String s3SecretKey,
    String inputBucket,
    List<String> appJavaOptions,
    boolean keepRecords,
    Duration latencyDuration,
    int throughputInFlight,
    Duration throughputWarmUp,
    Duration throughputDuration,
    int handOffTasks,
    int backlogTasks,
    Duration backlogTimeout,
    Duration ceilingWarmUp,
    Duration ceilingDuration,
    int ceilingInFlight) {

  /**
   * The backlog's size when it runs alone: the 10,000 the scenario is about. At some 8 tasks per
   * second on two cores it drains in about 20 minutes.
   */
  static final int BACKLOG_TASKS = 10_000;

  /**
   * The backlog's size when it runs with the other scenarios, so that the whole run stays within
   * ten minutes on two cores.
   */
  static final int BACKLOG_TASKS_WITH_OTHERS = 1_000;

  /** In the order they run: the engine's ceiling first, on an otherwise idle dev server. */
  static final List<String> SCENARIOS =
      List.of("ceiling", "latency", "handoff", "throughput", "backlog");

  static final String USAGE =
      """
      Usage: java -jar algotask-bench.jar [scenario ...] [--key=value ...]

      Scenarios (default: all, in this order): ceiling latency handoff throughput backlog
        ceiling     a minimal workflow with one activity, started as fast as the dev server takes
        latency     1 task per second for a minute, instant algorithm
        handoff     200 tasks of 10 ms on one slot: slot release to the next invocation
        throughput  64 tasks in flight, limit 64, instant algorithm: sustained tasks per second
        backlog     10,000 tasks at once on a limit of 8: time to drain, memory
                    (about 20 minutes on two cores; 1,000 when it runs with the others,
                    so that the whole run stays within ten minutes)

      Settings:
        --scale=F             0 < F <= 1: shrink every size and duration (default 1)
        --root=DIR            the repository (jars, bench/reports); default: the working dir
        --stack-dir=DIR       the local stack's state (pid files); default: <root>/.stack
        --report-dir=DIR      default: <root>/bench/reports/<UTC time>
        --keep-records        keep the run's task records (deleted at the end otherwise)
        --app-java-opts=...   JVM options of both apps (default -Xms64m -Xmx512m -XX:+UseSerialGC)
        --latency-seconds=N --throughput-seconds=N --throughput-in-flight=N --handoff-tasks=N
        --backlog-tasks=N --backlog-timeout-seconds=N --ceiling-seconds=N --ceiling-in-flight=N
        --kafka=HOST:PORT --temporal=HOST:PORT --namespace=NS --jdbc-url=URL --db-user=U
        --db-password=P --redis-uri=URI --s3-endpoint=URL --s3-region=R --s3-access-key=K
        --s3-secret-key=S --input-bucket=B   (defaults: the local stack's)
      """;

  static BenchSettings parse(String[] args, Instant now) {
    var values = new HashMap<String, String>();
    var scenarios = new LinkedHashSet<String>();
    for (var arg : args) {
      if (arg.equals("--keep-records")) {
        values.put("keep-records", "true");
      } else if (arg.startsWith("--") && arg.contains("=")) {
        values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else if (SCENARIOS.contains(arg)) {
        scenarios.add(arg);
      } else if (arg.equals("all")) {
        scenarios.addAll(SCENARIOS);
      } else {
        throw new IllegalArgumentException(
            "unknown argument: " + arg + " (scenarios: " + String.join(" ", SCENARIOS) + ")");
      }
    }
    var ordered = new ArrayList<>(SCENARIOS);
    if (!scenarios.isEmpty()) {
      ordered.retainAll(scenarios);
    }
    var scale = Double.parseDouble(take(values, "scale", "1"));
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("--scale must be in (0, 1], got " + scale);
    }
    var root = Path.of(take(values, "root", ".")).toAbsolutePath().normalize();
    var stackDir = Path.of(take(values, "stack-dir", root.resolve(".stack").toString()));
    var stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now);
    var reportDir =
        Path.of(
            take(
                values,
                "report-dir",
                root.resolve("bench").resolve("reports").resolve(stamp).toString()));
    var backlogTasks =
        integer(
            values,
            "backlog-tasks",
            scaled(
                ordered.equals(List.of("backlog")) ? BACKLOG_TASKS : BACKLOG_TASKS_WITH_OTHERS,
                scale,
                100));
    var settings =
        new BenchSettings(
            List.copyOf(ordered),
            scale,
            root,
            stackDir.toAbsolutePath().normalize(),
            reportDir.toAbsolutePath().normalize(),
            take(values, "kafka", "127.0.0.1:9092"),
            take(values, "temporal", "127.0.0.1:7233"),
            take(values, "namespace", "default"),
            take(values, "jdbc-url", "jdbc:postgresql://127.0.0.1:5432/algotask"),
            take(values, "db-user", "algotask"),
            take(values, "db-password", "algotask"),
            take(values, "redis-uri", "redis://127.0.0.1:6379"),
            take(values, "s3-endpoint", "http://127.0.0.1:8333"),
            take(values, "s3-region", "us-east-1"),
            take(values, "s3-access-key", "algotask"),
            take(values, "s3-secret-key", "algotask-secret"),
            take(values, "input-bucket", "algotask-documents"),
            Arrays.asList(
                take(values, "app-java-opts", "-Xms64m -Xmx512m -XX:+UseSerialGC")
                    .trim()
                    .split("\\s+")),
            Boolean.parseBoolean(take(values, "keep-records", "false")),
            seconds(values, "latency-seconds", scaled(60, scale, 5)),
            integer(values, "throughput-in-flight", 64),
            Duration.ofSeconds(scaled(20, scale, 3)),
            seconds(values, "throughput-seconds", scaled(45, scale, 5)),
            integer(values, "handoff-tasks", scaled(200, scale, 20)),
            backlogTasks,
            // a drain slower than 3 tasks per second is stopped as failed
            seconds(values, "backlog-timeout-seconds", Math.max(1_200, backlogTasks / 3)),
            Duration.ofSeconds(scaled(10, scale, 2)),
            seconds(values, "ceiling-seconds", scaled(30, scale, 5)),
            integer(values, "ceiling-in-flight", 64));
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("unknown settings: " + values.keySet());
    }
    return settings;
  }

  static int scaled(int full, double scale, int floor) {
    return Math.max(floor, (int) Math.round(full * scale));
  }

  /** A run id that names its algorithms, task queue, topics and task ids. */
  static String runId(Instant now) {
    return "bench-"
        + DateTimeFormatter.ofPattern("MMddHHmmss").withZone(ZoneOffset.UTC).format(now);
  }

  private static Duration seconds(Map<String, String> values, String key, int fallback) {
    return Duration.ofSeconds(integer(values, key, fallback));
  }

  private static int integer(Map<String, String> values, String key, int fallback) {
    var value = values.remove(key);
    if (value == null) {
      return fallback;
    }
    var parsed = Integer.parseInt(value);
    if (parsed < 1) {
      throw new IllegalArgumentException("--" + key + " must be at least 1");
    }
    return parsed;
  }

  private static String take(Map<String, String> values, String key, String fallback) {
    var value = values.remove(key);
    return value == null ? fallback : value;
  }
}
