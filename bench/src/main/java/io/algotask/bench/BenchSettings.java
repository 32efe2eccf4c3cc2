package io.algotask.bench;

import io.algotask.demo.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * What to run and against what: the command line's scenarios and options ({@code --key=value}).
 * Sizes and durations are the at {@code --scale=1}; a smaller scale shrinks each (with a
 * floor) for a quick try; a size given explicitly wins over the scale. The stack's settings default
 * to the local stack's.
 */
final class BenchSettings {

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
      List.of(
          "ceiling",
          "latency",
          "handoff",
          "throughput",
          "backlog",
          "ocr",
          "adaptive",
          "fairness",
          "scaling");

  /**
   * What {@code all} (and no scenario named) runs: scaling starts a second worker-app, a question
   * for the cluster shape rather than for the single-node stack's figures; adaptive and fairness
   * take some six minutes together, each phase long enough to show a limit settle or a share hold.
   */
  static final List<String> ALL =
      SCENARIOS.stream()
          .filter(s -> !List.of("adaptive", "fairness", "scaling").contains(s))
          .toList();

  /** When the run started: names its report directory. */
  private final Instant now;

  /** The summary that {@code --compare} names, read when the arguments are checked. */
  private Summary before;

  @Parameters(
      paramLabel = "scenario",
      arity = "0..*",
      description =
          "ceiling, latency, handoff, throughput, backlog, ocr, adaptive, fairness, scaling or"
              + " all (default: all, which leaves out adaptive, fairness and scaling)")
  private List<String> requested = new ArrayList<>();

  @Option(
      names = "--scale",
      paramLabel = "F",
      description = "0 < F <= 1: shrink every size and duration (default 1)")
  private double scale = 1;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "the checkout whose apps are measured: worker-app, api-app, sample-algorithm (and for"
              + " ocr the OCR service's) jars from its */target/ (built there first); also its commit for the report and its"
              + " bench/reports; default: the working dir")
  private Path root = Path.of(".");

  @Option(
      names = "--stack-dir",
      paramLabel = "DIR",
      description =
          "the local stack's state (pid files); default: <root>/.stack (with another checkout's"
              + " --root, name this one's: the launcher does)")
  private Path stackDir;

  @Option(
      names = "--report-dir",
      paramLabel = "DIR",
      description = "default: <root>/bench/reports/<UTC time>")
  private Path reportDir;

  @Option(
      names = "--compare",
      paramLabel = "REPORT_DIR",
      description =
          "an earlier report's directory: its summary.json's figures beside this run's, with the"
              + " change (in report.md and at the end of the output)")
  private Path compare;

  @Option(
      names = "--keep-records",
      arity = "0..1",
      description = "keep the run's task records (deleted at the end otherwise)")
  private boolean keepRecords;

  @Option(
      names = "--app-java-opts",
      paramLabel = "OPTS",
      description = "JVM options of both apps (default -Xms64m -Xmx512m -XX:+UseSerialGC)")
  private String appJavaOptions = "-Xms64m -Xmx512m -XX:+UseSerialGC";

  @Option(
      names = "--latency-seconds",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description = "the latency scenario's length (default 60)")
  private Integer latencySeconds;

  @Option(
      names = "--throughput-seconds",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description = "the throughput scenario's measured length (default 45)")
  private Integer throughputSeconds;

  @Option(
      names = "--throughput-in-flight",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description = "tasks in flight in the throughput scenario (default 64)")
  private Integer throughputInFlight;

  @Option(
      names = "--handoff-tasks",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description = "the hand-off scenario's tasks (default 200)")
  private Integer handOffTasks;

  @Option(
      names = "--warmup-tasks",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description =
          "tasks run before any scenario, unmeasured, at most 32 in flight (default 600): the"
              + " apps' pools open and their path compiled by the JIT")
  private Integer warmUpTasks;

  @Option(
      names = "--backlog-tasks",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description = "the backlog's tasks (default 10,000 alone, 1,000 with others)")
  private Integer backlogTasks;

  @Option(
      names = "--backlog-timeout-seconds",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description = "the backlog's time to drain (default: tasks / 3, at least 1,200)")
  private Integer backlogTimeoutSeconds;

  @Option(
      names = "--heap-interval-seconds",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description =
          "the backlog: every N s both apps collect their garbage and their heap is read"
              + " (default 5)")
  private Integer heapIntervalSeconds;

  @Option(
      names = "--ceiling-seconds",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description = "the ceiling scenario's measured length (default 30)")
  private Integer ceilingSeconds;

  @Option(
      names = "--ceiling-in-flight",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description = "workflows in flight in the ceiling scenario (default 64)")
  private Integer ceilingInFlight;

  @Option(
      names = "--ocr-tasks",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description =
          "the ocr scenario's single-page tasks, submitted at once to the OCR service and then"
              + " to the sample service (default 60)")
  private Integer ocrTasks;

  @Option(
      names = "--ocr-capacity",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description =
          "the OCR service's capacity (one Tesseract thread each: the cores it is given) and the"
              + " ocr scenario's concurrency limit (default: the number of processors)")
  private Integer ocrCapacity;

  @Option(
      names = "--adaptive-phase-seconds",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description =
          "the adaptive scenario: how long the hidden capacity stays at each of 8, 4 and 12"
              + " (default 60)")
  private Integer adaptivePhaseSeconds;

  @Option(
      names = "--fairness-seconds",
      paramLabel = "N",
      converter = AtLeastOne.class,
      description = "the fairness scenario: how long each of its two phases submits (default 60)")
  private Integer fairnessSeconds;

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "Kafka's bootstrap servers, default ${DEFAULT-VALUE}")
  private String kafka = "127.0.0.1:9092";

  @Option(names = "--temporal", paramLabel = "HOST:PORT", description = "default ${DEFAULT-VALUE}")
  private String temporal = "127.0.0.1:7233";

  @Option(names = "--namespace", paramLabel = "NS", description = "default ${DEFAULT-VALUE}")
  private String namespace = "default";

  @Option(names = "--jdbc-url", paramLabel = "URL", description = "default ${DEFAULT-VALUE}")
  private String jdbcUrl = "jdbc:postgresql://127.0.0.1:5432/algotask";

  @Option(names = "--db-user", paramLabel = "U", description = "default ${DEFAULT-VALUE}")
  private String dbUser = "algotask";

  @Option(names = "--db-password", paramLabel = "P", description = "default ${DEFAULT-VALUE}")
  private String dbPassword = "algotask";

  @Option(names = "--redis-uri", paramLabel = "URI", description = "default ${DEFAULT-VALUE}")
  private String redisUri = "redis://127.0.0.1:6379";

  @Option(
      names = "--redis-cluster-nodes",
      paramLabel = "URI",
      split = ",",
      description =
          "a Redis Cluster's seed nodes: the apps and the clean-up use them instead of"
              + " --redis-uri (default: none, a single Redis)")
  private List<String> redisClusterNodes = new ArrayList<>();

  @Option(
      names = "--stack-services",
      paramLabel = "NAME",
      split = ",",
      description =
          "the stack's services whose CPU and memory are measured, by their pid files in"
              + " <stack-dir>/run (default: temporal,kafka,postgres,redis,s3proxy)")
  private List<String> stackServices =
      new ArrayList<>(List.of("temporal", "kafka", "postgres", "redis", "s3proxy"));

  @Option(
      names = "--stack",
      paramLabel = "TEXT",
      description = "what the stack is, in the report's words (default: ${DEFAULT-VALUE})")
  private String stack =
      "the local stack (Temporal dev server on SQLite, PostgreSQL, Redis, Kafka, S3Proxy)";

  @Option(
      names = "--app-arg",
      paramLabel = "ARG",
      description =
          "one more argument for every app the bench starts, after its own (repeatable), e.g."
              + " --app-arg=--algotask.topics.replication-factor=3")
  private List<String> appArguments = new ArrayList<>();

  @Mixin private StorageSettings storage = new StorageSettings();

  BenchSettings(Instant now) {
    this.now = now;
  }

  /**
   * The settings of these arguments, checked.
   *
   * @throws ParameterException naming the argument that is wrong
   */
  static BenchSettings parse(String[] args, Instant now) {
    var settings = new BenchSettings(now);
    var commandLine = new CommandLine(settings);
    commandLine.parseArgs(args);
    settings.check(commandLine);
    return settings;
  }

  /** The checks the options' types do not make. */
  void check(CommandLine commandLine) {
    for (var scenario : requested) {
      if (!scenario.equals("all") && !SCENARIOS.contains(scenario)) {
        throw new ParameterException(
            commandLine,
            "unknown argument: " + scenario + " (scenarios: " + String.join(" ", SCENARIOS) + ")");
      }
    }
    if (!(scale > 0 && scale <= 1)) {
      throw new ParameterException(commandLine, "--scale must be in (0, 1], got " + scale);
    }
    if (compare != null) {
      try {
        before = Summary.read(compare);
      } catch (IOException e) {
        throw new ParameterException(commandLine, "--compare: " + e.getMessage());
      }
    }
  }

  /** The apps' jars under the root, as the scenarios after the ceiling run them. */
  static final List<String> APP_JARS =
      List.of(
          "worker-app/target/algotask-worker-app.jar",
          "api-app/target/algotask-api-app.jar",
          "sample-algorithm/target/algotask-sample-algorithm.jar");

  /** The OCR algorithm service's jar under the root, for the ocr scenario. */
  static final String OCR_JAR = "algorithms/ocr/target/algotask-ocr-algorithm.jar";

  /** The apps' jars under the root, and the OCR service's when the ocr scenario runs. */
  static List<String> appJars(boolean withOcr) {
    var jars = new ArrayList<>(APP_JARS);
    if (withOcr) {
      jars.add(OCR_JAR);
    }
    return jars;
  }

  /** The apps' jars the scenarios need that the root does not have; empty when all are there. */
  List<Path> missingJars() {
    if (scenarios().stream().allMatch(s -> s.equals("ceiling"))) {
      return List.of();
    }
    return appJars(scenarios().contains("ocr")).stream()
        .map(root()::resolve)
        .filter(jar -> !Files.isRegularFile(jar))
        .toList();
  }

  /** The earlier run's summary to compare with ({@code --compare}), or null. */
  Summary before() {
    return before;
  }

  /** The scenarios asked for, in the order they run; all when none is named. */
  List<String> scenarios() {
    var all = requested.isEmpty() || requested.contains("all");
    return SCENARIOS.stream()
        .filter(s -> requested.contains(s) || (all && ALL.contains(s)))
        .toList();
  }

  double scale() {
    return scale;
  }

  Path root() {
    return root.toAbsolutePath().normalize();
  }

  Path stackDir() {
    return (stackDir == null ? root().resolve(".stack") : stackDir).toAbsolutePath().normalize();
  }

  Path reportDir() {
    if (reportDir != null) {
      return reportDir.toAbsolutePath().normalize();
    }
    var stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now);
    return root().resolve("bench").resolve("reports").resolve(stamp);
  }

  String kafka() {
    return kafka;
  }

  String temporal() {
    return temporal;
  }

  String namespace() {
    return namespace;
  }

  String jdbcUrl() {
    return jdbcUrl;
  }

  String dbUser() {
    return dbUser;
  }

  String dbPassword() {
    return dbPassword;
  }

  String redisUri() {
    return redisUri;
  }

  /** A Redis Cluster's seed nodes; empty for a single Redis. */
  List<String> redisClusterNodes() {
    return List.copyOf(redisClusterNodes);
  }

  /** The stack's services the bench measures, as their pid files name them. */
  List<String> stackServices() {
    return List.copyOf(stackServices);
  }

  /** What the stack is, for the report. */
  String stack() {
    return stack;
  }

  /** The arguments every app the bench starts gets after its own. */
  List<String> appArguments() {
    return List.copyOf(appArguments);
  }

  StorageSettings storage() {
    return storage;
  }

  List<String> appJavaOptions() {
    return Arrays.asList(appJavaOptions.trim().split("\\s+"));
  }

  boolean keepRecords() {
    return keepRecords;
  }

  Duration latencyDuration() {
    return Duration.ofSeconds(orScaled(latencySeconds, 60, 5));
  }

  int throughputInFlight() {
    return throughputInFlight == null ? 64 : throughputInFlight;
  }

  Duration throughputWarmUp() {
    return Duration.ofSeconds(scaled(20, scale, 3));
  }

  Duration throughputDuration() {
    return Duration.ofSeconds(orScaled(throughputSeconds, 45, 5));
  }

  int warmUpTasks() {
    return orScaled(warmUpTasks, 600, 30);
  }

  int handOffTasks() {
    return orScaled(handOffTasks, 200, 20);
  }

  int backlogTasks() {
    var full = scenarios().equals(List.of("backlog")) ? BACKLOG_TASKS : BACKLOG_TASKS_WITH_OTHERS;
    return orScaled(backlogTasks, full, 100);
  }

  /** A drain slower than 3 tasks per second is stopped as failed. */
  Duration backlogTimeout() {
    return Duration.ofSeconds(
        backlogTimeoutSeconds != null
            ? backlogTimeoutSeconds
            : Math.max(1_200, backlogTasks() / 3));
  }

  /** How often the backlog scenario reads both apps' heap after a collection. */
  Duration heapInterval() {
    return Duration.ofSeconds(heapIntervalSeconds == null ? 5 : heapIntervalSeconds);
  }

  int ocrTasks() {
    return orScaled(ocrTasks, 60, 6);
  }

  int ocrCapacity() {
    return ocrCapacity == null ? Runtime.getRuntime().availableProcessors() : ocrCapacity;
  }

  Duration adaptivePhase() {
    return Duration.ofSeconds(orScaled(adaptivePhaseSeconds, 60, 10));
  }

  Duration fairnessDuration() {
    return Duration.ofSeconds(orScaled(fairnessSeconds, 60, 10));
  }

  Duration ceilingWarmUp() {
    return Duration.ofSeconds(scaled(10, scale, 2));
  }

  Duration ceilingDuration() {
    return Duration.ofSeconds(orScaled(ceilingSeconds, 30, 5));
  }

  int ceilingInFlight() {
    return ceilingInFlight == null ? 64 : ceilingInFlight;
  }

  private int orScaled(Integer given, int full, int floor) {
    return given != null ? given : scaled(full, scale, floor);
  }

  static int scaled(int full, double scale, int floor) {
    return Math.max(floor, (int) Math.round(full * scale));
  }

  /** A run id that names its algorithms, task queue, topics and task ids. */
  static String runId(Instant now) {
    return "bench-"
        + DateTimeFormatter.ofPattern("MMddHHmmss").withZone(ZoneOffset.UTC).format(now);
  }

  /** Sizes and durations: whole numbers from 1 up. */
  static final class AtLeastOne implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      var parsed = Integer.parseInt(value);
      if (parsed < 1) {
        throw new CommandLine.TypeConversionException("must be at least 1, got " + parsed);
      }
      return parsed;
    }
  }
}
