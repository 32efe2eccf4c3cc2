package io.algotask.bench;

import io.algotask.demo.SampleDocuments;
import io.algotask.demo.process.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import tools.jackson.databind.json.JsonMapper;

/**
 * One benchmark run: the processes it starts (both apps and the sample algorithm service, and the
 * OCR service for its scenario, with a task queue, topics, slot keys and algorithms of the run's
 * own, so it never sees anyone else's tasks), the load, the records, and the CPU and memory of
 * every process, scenario by scenario.
 */
final class BenchRun {
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** The limits of the scenarios' algorithms. */
  static final Map<String, Integer> LIMITS =
      Map.ofEntries(
          Map.entry("warmup", 8),
          Map.entry("latency", 8),
          Map.entry("handoff", 1),
          Map.entry("throughput", 64),
          Map.entry("backlog", 8),
          Map.entry(AdaptiveScenario.KEY, AdaptiveScenario.MAX_CONCURRENCY),
          Map.entry(FairnessScenario.EQUAL, FairnessScenario.LIMIT),
          Map.entry(FairnessScenario.WEIGHTED, FairnessScenario.LIMIT),
          Map.entry(ScalingScenario.ONE_WORKER, 64),
          Map.entry(ScalingScenario.TWO_WORKERS, 64));

  final BenchSettings settings;
  final String run;
  final Instant started;
  final Path reportDir;
  final Path rawDir;
  final ResourceSampler sampler = new ResourceSampler(500);
  final Records records;
  final int samplePort;
  final int ocrPort;
  private final List<JavaProcess> apps = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile JavaProcess sample;
  private volatile JavaProcess ocr;

  /** The worker-apps, the first one started with the api-app, the others by {@link #addWorker}. */
  private final List<JavaProcess> workers = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Every worker-app's arguments but its ports. */
  private List<String> workerArguments;

  TaskLoad load;
  private String inputUri;

  /** The api-app's server port (its REST API), once it was started. */
  private volatile int apiPort;

  /** The api-app's operator token, the run's own: the bench reads the registry with it. */
  private final String operatorToken = java.util.UUID.randomUUID().toString();

  /** The ceiling scenario's workflows per second, once it ran. */
  volatile Double ceilingPerSecond;

  /** The engine's CPU milliseconds per minimal workflow in the ceiling scenario, once it ran. */
  volatile Double ceilingEngineCpuMs;

  BenchRun(BenchSettings settings, Instant started) throws IOException {
    this.settings = settings;
    this.started = started;
    this.run = BenchSettings.runId(started);
    this.reportDir = settings.reportDir();
    this.rawDir = reportDir.resolve("raw");
    Files.createDirectories(rawDir);
    this.records = new Records(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword());
    this.samplePort = JavaProcess.freePort();
    this.ocrPort = JavaProcess.freePort();
    for (var service : settings.stackServices()) {
      var pidFile = settings.stackDir().resolve("run").resolve(service + ".pid");
      if (!Files.exists(pidFile)) {
        log("no " + pidFile + ": " + service + "'s CPU and memory are not measured (--stack-dir)");
      }
      sampler.track(
          new TrackedProcess(
              service, () -> TrackedProcess.fromPidFile(pidFile), service.equals("postgres")));
    }
    // an interrupted run (Ctrl-C, SIGTERM) takes its apps and sample service down with it
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (var current : new JavaProcess[] {sample, ocr}) {
                    if (current != null) {
                      current.destroy();
                    }
                  }
                  apps.forEach(JavaProcess::destroy);
                },
                "bench-shutdown"));
    long self = ProcessHandle.current().pid();
    sampler.track(new TrackedProcess("bench (load + ceiling worker)", () -> self, false));
  }

  String algorithm(String scenario) {
    return run + "-" + scenario;
  }

  String taskId(String scenario, int i) {
    return run + "-" + scenario + "-" + i;
  }

  static void log(String message) {
    System.out.println("[bench] " + message);
    System.out.flush();
  }

  // ---- the apps

  /** The algorithms a scenario submits to: scaling and ocr have one for each of their phases. */
  static List<String> algorithmsOf(String scenario) {
    return switch (scenario) {
      case "scaling" -> ScalingScenario.PHASES;
      case "ocr" -> OcrScenario.PHASES;
      case "fairness" -> FairnessScenario.PHASES;
      default -> List.of(scenario);
    };
  }

  /** The concurrency limit of a scenario's (or phase's) algorithm. */
  int limit(String key) {
    return OcrScenario.PHASES.contains(key) ? settings.ocrCapacity() : LIMITS.get(key);
  }

  /** Where a scenario's (or phase's) invocations go: the OCR service, or the sample service. */
  String endpoint(String key) {
    return key.equals(OcrScenario.OCR_SERVICE)
        ? "http://127.0.0.1:" + ocrPort + "/ocr"
        : "http://127.0.0.1:" + samplePort + "/algorithms/" + algorithm(key);
  }

  /** The apps' Redis: the single one at its URI, or a Redis Cluster's seed nodes. */
  static List<String> redisArguments(BenchSettings settings) {
    var arguments = new ArrayList<String>();
    arguments.add("--algotask.redis.uri=" + settings.redisUri());
    var clusterNodes = settings.redisClusterNodes();
    for (int i = 0; i < clusterNodes.size(); i++) {
      arguments.add("--algotask.redis.cluster-nodes[" + i + "]=" + clusterNodes.get(i));
    }
    return arguments;
  }

  /** A scenario's (or phase's) algorithm settings beyond its endpoint, limit and timeouts. */
  static List<String> algorithmProperties(String key) {
    return switch (key) {
      case AdaptiveScenario.KEY ->
          SlotFeatures.adaptiveProperties(
              AdaptiveScenario.MIN_CONCURRENCY, AdaptiveScenario.WINDOW);
      case FairnessScenario.WEIGHTED ->
          SlotFeatures.tenantWeightProperties(FairnessScenario.WEIGHTS);
      default -> List.of();
    };
  }

  /** The algorithm's slots now, as the registry shows them; null when it is not listed. */
  SlotFeatures.Slots slots(String key) throws IOException, InterruptedException {
    return SlotFeatures.slotsOf(SlotFeatures.registry(apiPort, operatorToken), algorithm(key));
  }

  /** Starts worker-app and api-app with the scenarios' algorithms, and the load on their topics. */
  void startApps(List<String> scenarios) throws Exception {
    inputUri = uploadInput();
    apiPort = JavaProcess.freePort();
    var common = new ArrayList<String>();
    // the local stack's development credentials; the stack's addresses are given below
    common.add("--spring.profiles.active=local");
    common.add("--algotask.temporal.task-queue=" + run);
    common.add("--algotask.topics.requests=" + requestsTopic());
    common.add("--algotask.topics.results=" + resultsTopic());
    common.add("--algotask.topics.dead-letter=" + requestsTopic() + ".dlq");
    common.add("--algotask.callback.base-url=http://127.0.0.1:" + apiPort);
    // the run's own slot keys: its worker holds its own reconciler lease, as in production
    common.add("--algotask.slots.key-prefix=algotask:slots:" + run + ":");
    common.add("--spring.datasource.url=" + settings.jdbcUrl());
    common.add("--spring.datasource.username=" + settings.dbUser());
    common.add("--spring.datasource.password=" + settings.dbPassword());
    common.add("--spring.kafka.bootstrap-servers=" + settings.kafka());
    common.add("--spring.temporal.connection.target=" + settings.temporal());
    common.add("--spring.temporal.namespace=" + settings.namespace());
    common.addAll(redisArguments(settings));
    common.add("--algotask.storage.endpoint=" + settings.storage().endpoint());
    common.add("--algotask.storage.region=" + settings.storage().region());
    common.add("--algotask.storage.access-key=" + settings.storage().accessKey());
    common.add("--algotask.storage.secret-key=" + settings.storage().secretKey());
    var withWarmUp = new ArrayList<>(List.of("warmup"));
    scenarios.forEach(s -> withWarmUp.addAll(algorithmsOf(s)));
    for (var scenario : withWarmUp) {
      var prefix = "--algotask.algorithms." + algorithm(scenario) + ".";
      common.add(prefix + "endpoint=" + endpoint(scenario));
      common.add(prefix + "max-concurrency=" + limit(scenario));
      common.add(prefix + "execution-timeout=60s");
      common.add(prefix + "queue-timeout=1h");
      algorithmProperties(scenario).forEach(property -> common.add(prefix + property));
    }
    workerArguments = List.copyOf(common);
    var apiArguments = new ArrayList<>(common);
    apiArguments.add("--server.port=" + apiPort);
    apiArguments.add("--algotask.api.operator-token=" + operatorToken);
    // the bench reads health and metrics: it talks to each app's management port
    var apiManagementPort = JavaProcess.freePort();
    apiArguments.add("--management.server.port=" + apiManagementPort);
    apiArguments.add("--spring.grpc.server.port=" + JavaProcess.freePort());
    apiArguments.add("--spring.kafka.consumer.group-id=" + run);
    apiArguments.addAll(settings.appArguments());

    var t0 = System.nanoTime();
    startWorker();
    var api =
        JavaProcess.jar("api-app", settings.root().resolve("api-app/target/algotask-api-app.jar"))
            .jvmOptions(settings.appJavaOptions())
            .arguments(apiArguments)
            .appendingLog(rawDir.resolve("api-app.log"))
            .readiness(JavaProcess.Probe.actuatorHealth(apiManagementPort))
            .start();
    apps.add(api);
    sampler.track(new TrackedProcess("api-app", api::pid, false));
    sampler.track(new TrackedProcess("sample", () -> sample == null ? -1 : sample.pid(), false));
    log("starting worker-app and api-app (logs in " + rawDir + ")");
    for (var app : apps) {
      app.awaitReady(Duration.ofMinutes(5));
    }
    log(String.format("apps healthy after %.1f s", (System.nanoTime() - t0) / 1e9));
    load = new TaskLoad(settings.kafka(), requestsTopic(), resultsTopic(), inputUri);
    warmUp();
  }

  /** Tasks in flight at once during the warm-up. */
  private static final int WARM_UP_IN_FLIGHT = 32;

  /**
   * Tasks through the whole path, unmeasured, before any scenario: the consumer group joined, the
   * pools open, and the path's code compiled by the JIT, as in an app that has run for a while (a
   * first task runs interpreted code). The limit of 8 makes some wait for a slot, so both paths to
   * the invocation are taken.
   */
  private void warmUp() throws Exception {
    var total = settings.warmUpTasks();
    var t0 = System.nanoTime();
    withSample(
        "warmup",
        0,
        () -> {
          var ids = new ArrayList<String>();
          for (int i = 0; i < total; i++) {
            ids.add(taskId("warmup", i));
          }
          for (int i = 0; i < ids.size(); i += WARM_UP_IN_FLIGHT) {
            var wave = ids.subList(i, Math.min(ids.size(), i + WARM_UP_IN_FLIGHT));
            load.submitAll(wave, algorithm("warmup"));
            if (!load.awaitAll(wave, Duration.ofMinutes(3))) {
              throw new IllegalStateException(
                  "warm-up: only " + load.resultsAmong(ids) + " of " + total + " results");
            }
          }
          return null;
        });
    log(String.format("warm-up: %d tasks done in %.1f s", total, (System.nanoTime() - t0) / 1e9));
    awaitCompilersQuiet();
  }

  /** How long the apps' JIT compilers are given to catch up after the warm-up, at most. */
  private static final Duration COMPILERS_SETTLE = Duration.ofSeconds(60);

  /** Below this share of a core over a sampling step, the apps' JIT compilers count as quiet. */
  private static final double COMPILERS_QUIET_SHARE = 0.1;

  /**
   * Waits until the apps' JIT compiler threads have (nearly) stopped, at most {@link
   * #COMPILERS_SETTLE}: methods the warm-up made hot are queued for compiling, and a scenario
   * started meanwhile would meet half-compiled code and share its CPU with the compiler, so that
   * its figures would depend on the scenarios run before it.
   */
  private void awaitCompilersQuiet() throws InterruptedException {
    var step = Duration.ofSeconds(2);
    var ticksPerSecond = (double) ProcFiles.clockTicksPerSecond();
    var t0 = System.nanoTime();
    var before = compilerTicks();
    while (System.nanoTime() - t0 < COMPILERS_SETTLE.toNanos()) {
      Thread.sleep(step.toMillis());
      var now = compilerTicks();
      var share = (now - before) / ticksPerSecond / step.toSeconds();
      before = now;
      if (share < COMPILERS_QUIET_SHARE) {
        break;
      }
    }
    log(
        String.format(
            "the apps' JIT compilers quiet after %.1f s", (System.nanoTime() - t0) / 1e9));
  }

  private long compilerTicks() {
    return apps.stream().mapToLong(app -> ProcFiles.compilerTicks(app.pid())).sum();
  }

  String requestsTopic() {
    return "algotask." + run + ".requests";
  }

  String resultsTopic() {
    return "algotask." + run + ".results";
  }

  /**
   * Starts one more worker-app on the run's task queue, with ports of its own, and tracks it: the
   * first is {@code worker-app}, the next {@code worker-app-2} and so on.
   */
  private JavaProcess startWorker() throws IOException {
    var name = workers.isEmpty() ? "worker-app" : "worker-app-" + (workers.size() + 1);
    var arguments = new ArrayList<>(workerArguments);
    var managementPort = JavaProcess.freePort();
    arguments.add("--server.port=" + JavaProcess.freePort());
    arguments.add("--management.server.port=" + managementPort);
    arguments.addAll(settings.appArguments());
    var worker =
        JavaProcess.jar(name, settings.root().resolve("worker-app/target/algotask-worker-app.jar"))
            .jvmOptions(settings.appJavaOptions())
            .arguments(arguments)
            .appendingLog(rawDir.resolve(name + ".log"))
            .readiness(JavaProcess.Probe.actuatorHealth(managementPort))
            .start();
    workers.add(worker);
    apps.add(worker);
    sampler.track(new TrackedProcess(name, worker::pid, false));
    return worker;
  }

  /** Starts another worker-app beside the running ones and waits until it is healthy. */
  void addWorker() throws Exception {
    var t0 = System.nanoTime();
    var worker = startWorker();
    log("starting " + worker.name() + " (log in " + worker.log() + ")");
    worker.awaitReady(Duration.ofMinutes(5));
    log(String.format("%s healthy after %.1f s", worker.name(), (System.nanoTime() - t0) / 1e9));
  }

  /** The apps started so far (worker-apps and the api-app), in the order they started. */
  List<JavaProcess> apps() {
    return List.copyOf(apps);
  }

  /** The worker-apps started so far, in the order they started. */
  List<JavaProcess> workers() {
    return List.copyOf(workers);
  }

  /** The first worker's Prometheus page. */
  String workerMetrics() throws IOException, InterruptedException {
    return metrics(workers.get(0));
  }

  /** An app's Prometheus page. */
  static String metrics(JavaProcess app) throws IOException, InterruptedException {
    return app.get("/actuator/prometheus");
  }

  // ---- the sample algorithm service, one per scenario

  Path sampleTimingLog(String scenario) {
    return rawDir.resolve("sample-" + scenario + "-timing.log");
  }

  /**
   * Each task's way through, from its records, the sample service's timing log of the scenario (or
   * phase) and the load's clock.
   */
  List<Timelines.Timeline> timelines(List<Records.TaskTimes> tasks, String scenario)
      throws IOException {
    return Timelines.join(
        tasks,
        SampleTimings.read(sampleTimingLog(scenario)),
        load::submittedAt,
        id -> load.result(id) == null ? null : load.result(id).at());
  }

  /** Runs the body with a sample service of the given latency, started for it and stopped after. */
  <T> T withSample(String scenario, long latencyMs, Callable<T> body) throws Exception {
    return withSample(scenario, latencyMs, List.of(), body);
  }

  /** As {@link #withSample(String, long, Callable)}, the service given more arguments. */
  <T> T withSample(String scenario, long latencyMs, List<String> more, Callable<T> body)
      throws Exception {
    var arguments =
        new ArrayList<>(
            List.of(
                "--port=" + samplePort,
                "--latencyMinMs=" + latencyMs,
                "--latencyMaxMs=" + latencyMs,
                "--seed=1"));
    arguments.addAll(more);
    var process =
        JavaProcess.jar(
                "sample",
                settings.root().resolve("sample-algorithm/target/algotask-sample-algorithm.jar"))
            .jvmOptions(List.of("-Xmx128m", "-XX:+UseSerialGC"))
            .arguments(arguments)
            .environment(Map.of("ALGOTASK_SAMPLE_TIMING_LOG", sampleTimingLog(scenario).toString()))
            .appendingLog(rawDir.resolve("sample.log"))
            .readiness(JavaProcess.Probe.answering(samplePort, "/health"))
            .start();
    sample = process;
    try {
      process.awaitReady(Duration.ofMinutes(1));
      return body.call();
    } finally {
      sample = null;
      process.close();
    }
  }

  // ---- the OCR algorithm service, for the ocr scenario

  /**
   * Runs the body with the OCR service started for it (its capacity the ocr scenario's) and stopped
   * after; it is measured with its Tesseract children.
   */
  <T> T withOcrService(Callable<T> body) throws Exception {
    var process =
        JavaProcess.jar("ocr", settings.root().resolve(BenchSettings.OCR_JAR))
            .jvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC"))
            .arguments(List.of("--port=" + ocrPort, "--capacity=" + settings.ocrCapacity()))
            .appendingLog(rawDir.resolve("ocr.log"))
            .readiness(JavaProcess.Probe.answering(ocrPort, "/health"))
            .start();
    ocr = process;
    sampler.track(new TrackedProcess("ocr", () -> ocr == null ? -1 : ocr.pid(), true));
    try {
      process.awaitReady(Duration.ofMinutes(1));
      return body.call();
    } finally {
      ocr = null;
      process.close();
    }
  }

  /**
   * The OCR service's counts since it started (GET /health: busy answers, pages, its programs'
   * CPU); empty when it does not run.
   */
  tools.jackson.databind.JsonNode ocrCounts() throws Exception {
    var current = ocr;
    return current == null ? JSON.createObjectNode() : JSON.readTree(current.get("/health"));
  }

  /** The sample's counters of one algorithm (GET /stats). */
  tools.jackson.databind.JsonNode sampleStats(String scenario) throws Exception {
    var current = sample;
    if (current == null) {
      return JSON.createObjectNode();
    }
    return JSON.readTree(current.get("/stats")).path("algorithms").path(algorithm(scenario));
  }

  /**
   * Runs one scenario with its sample service, measuring every process from just before its first
   * task to just after its last result.
   */
  ScenarioReport measure(String scenario, long latencyMs, ScenarioBody body) throws Exception {
    return measure(scenario, latencyMs, List.of(), body);
  }

  /** As {@link #measure(String, long, ScenarioBody)}, the sample service given more arguments. */
  ScenarioReport measure(
      String scenario, long latencyMs, List<String> sampleArguments, ScenarioBody body)
      throws Exception {
    log("scenario " + scenario);
    return withSample(
        scenario,
        latencyMs,
        sampleArguments,
        () -> {
          var marks = new LinkedHashMap<JavaProcess, Long>();
          apps.forEach(app -> marks.put(app, LogDigest.mark(app.log())));
          var transactionsBefore = records.transactions();
          var window = sampler.begin(scenario);
          var report = body.run(window);
          var measured = sampler.end(window);
          // the apps' backends report their last transactions within half a second
          Thread.sleep(STATISTICS_DELAY.toMillis());
          var transactions = records.transactions() - transactionsBefore;
          var logs = new StringBuilder("The apps' logs while it ran: ");
          var first = true;
          for (var mark : marks.entrySet()) {
            var counts = LogDigest.count(LogDigest.since(mark.getKey().log(), mark.getValue()));
            logs.append(first ? "" : "; ").append(LogDigest.describe(mark.getKey().name(), counts));
            first = false;
          }
          var measuredReport =
              report.withBody(report.body() + "\n" + logs + ".\n").withUsage(measured);
          var figures = new ArrayList<>(Targets.cpuFigures(measuredReport, ceilingEngineCpuMs));
          figures.add(
              Figure.of(
                  scenario,
                  "PostgreSQL transactions per task",
                  measuredReport.completed() == 0
                      ? null
                      : transactions / (double) measuredReport.completed(),
                  Figure.PER_TASK));
          return measuredReport.withMoreFigures(figures);
        });
  }

  /** How long PostgreSQL may take to count a backend's last transactions. */
  private static final Duration STATISTICS_DELAY = Duration.ofMillis(1_500);

  /** A scenario's work inside its measuring window. */
  interface ScenarioBody {
    ScenarioReport run(ResourceSampler.Window window) throws Exception;
  }

  // ---- input, clean-up

  /** The demo's invoice, under bench/ in the input bucket. */
  private String uploadInput() {
    return SampleDocuments.upload(settings.storage(), "bench/").get(0);
  }

  /**
   * Stops what the run started; deletes its records, slot keys and topics unless asked to keep
   * them.
   */
  void stop(List<String> scenarios) {
    if (load != null) {
      try {
        load.close();
      } catch (Exception e) {
        log("closing the load: " + e);
      }
    }
    var stops = new ArrayList<CompletableFuture<Void>>();
    for (var app : apps) {
      stops.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  app.close();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }));
    }
    stops.forEach(CompletableFuture::join);
    if (apps.isEmpty() || settings.keepRecords()) {
      return;
    }
    var algorithms = new ArrayList<String>();
    algorithms.add(algorithm("warmup"));
    scenarios.forEach(s -> algorithmsOf(s).forEach(a -> algorithms.add(algorithm(a))));
    try {
      log("deleted the run's " + records.deleteRun(algorithms) + " task records");
    } catch (Exception e) {
      log("could not delete the run's records: " + e);
    }
    try {
      var keys =
          RedisKeys.deleteMatching(
              settings.redisUri(), settings.redisClusterNodes(), "algotask:slots:" + run + ":*");
      log("deleted the run's " + keys + " slot keys");
    } catch (RuntimeException e) {
      log("could not delete the run's slot keys: " + e);
    }
    var admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka());
    try (var kafka = AdminClient.create(admin)) {
      kafka
          .deleteTopics(List.of(requestsTopic(), resultsTopic(), requestsTopic() + ".dlq"))
          .all()
          .get();
    } catch (Exception e) {
      log("could not delete the run's topics: " + e);
    }
  }

  /** The apps' and the sample's pids, for the report. */
  Map<String, Long> pids() {
    var pids = new LinkedHashMap<String, Long>();
    apps.forEach(app -> pids.put(app.name(), app.pid()));
    return pids;
  }
}
