package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.demo.process.JavaProcess;
import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntUnaryOperator;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The concurrency slots under faults, over the real local stack: a worker killed with SIGKILL,
 * Redis flushed, a workflow terminated from the Temporal CLI, a backlog of 300 tasks, and the
 * hand-off latency of one slot. Every test checks that each task gets exactly one result and that
 * the algorithm never saw more running attempts than its limit; timings are reported, never
 * asserted. Figures go to target/slot-resilience-report.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlotResilienceIT {
  private static final String RUN = "slots-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String REQUESTS = TestApps.requestsTopic(RUN);
  private static final String RESULTS = TestApps.resultsTopic(RUN);

  /**
   * This run's own slot keys, so that the reconciler lease is held by this run's worker: the lease
   * is one for all processes, and a demo's worker holding it would reconcile only its own
   * algorithms.
   */
  private static final String KEY_PREFIX = "algotask:slots:" + RUN + ":";

  private static final Duration EXTRA_LISTEN = Duration.ofSeconds(3);
  private static final List<String> REPORT = Collections.synchronizedList(new ArrayList<>());

  private static final ResultLedger LEDGER = new ResultLedger();

  private record Algorithm(String name, int limit) {}

  private static final Algorithm CRASH = new Algorithm(RUN + "-crash", 2);
  private static final Algorithm FLUSH = new Algorithm(RUN + "-flush", 2);
  private static final Algorithm TERMINATE = new Algorithm(RUN + "-terminate", 1);
  private static final Algorithm BACKLOG = new Algorithm(RUN + "-backlog", 2);
  private static final Algorithm HANDOFF = new Algorithm(RUN + "-handoff", 1);

  private static SampleAlgorithmServer slowSample;
  private static SampleAlgorithmServer silentSample;
  private static SampleAlgorithmServer fastSample;
  private static SampleAlgorithmServer handOffSample;
  private static JavaProcess worker;
  private static JavaProcess api;
  private static TaskTraffic traffic;
  private static RedisClient redisClient;
  private static RedisCommands<String, String> redis;
  private static Instant classStarted;

  @BeforeAll
  static void startEverything() throws Exception {
    classStarted = Instant.now();
    slowSample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder().latencyMs(200, 400).seed(7L).build());
    // the first attempt it sees never calls back: it keeps its slot until terminated
    silentSample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder()
                .latencyMs(10, 10)
                .noCallbackRate(1)
                .build());
    fastSample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder().latencyMs(1, 1).build());
    handOffSample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder().latencyMs(10, 10).build());

    var apiPort = JavaProcess.freePort();
    var common = TestApps.runArguments(RUN, apiPort);
    common.add("--algotask.slots.key-prefix=" + KEY_PREFIX);
    common.addAll(algorithm(CRASH, slowSample, "60s"));
    common.addAll(algorithm(FLUSH, slowSample, "60s"));
    common.addAll(algorithm(TERMINATE, silentSample, "60s"));
    common.add(
        "--algotask.algorithms."
            + TERMINATE.name()
            + ".cancel-endpoint="
            + silentSample.cancelUrl(TERMINATE.name()));
    common.add("--algotask.algorithms." + TERMINATE.name() + ".max-attempts=1");
    // the backlog's tasks wait minutes for their slot: their hold is not what is measured
    common.addAll(algorithm(BACKLOG, fastSample, "10m"));
    common.addAll(algorithm(HANDOFF, handOffSample, "60s"));

    var apps = TestApps.startBoth("slots", RUN, apiPort, JavaProcess.freePort(), common, List.of());
    worker = apps.worker();
    api = apps.api();
    traffic = new TaskTraffic("127.0.0.1:9092", REQUESTS, RESULTS);
    redisClient = RedisClient.create("redis://127.0.0.1:6379");
    redis = redisClient.connect().sync();
    REPORT.add("# Slot resilience (run " + RUN + ")");
    REPORT.add(
        String.format(
            "- apps up %.1f s after the class started",
            Duration.between(classStarted, Instant.now()).toMillis() / 1000.0));
  }

  private static List<String> algorithm(
      Algorithm algorithm, SampleAlgorithmServer sample, String executionTimeout) {
    var prefix = "--algotask.algorithms." + algorithm.name() + ".";
    return List.of(
        prefix + "endpoint=" + sample.invocationUrl(algorithm.name()),
        prefix + "max-concurrency=" + algorithm.limit(),
        prefix + "execution-timeout=" + executionTimeout);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (traffic != null) {
        // a late repeat of any test's result still counts against it
        traffic.listen(EXTRA_LISTEN, LEDGER::count);
        var repeated = LEDGER.repeated();
        REPORT.add(
            String.format(
                "## Whole class: %.1f s; results repeated at any time: %s",
                Duration.between(classStarted, Instant.now()).toMillis() / 1000.0,
                repeated.isEmpty() ? "none" : repeated));
        traffic.close();
      }
    } finally {
      for (var app : new JavaProcess[] {api, worker}) {
        if (app != null) {
          app.close();
        }
      }
      for (var sample :
          new SampleAlgorithmServer[] {slowSample, silentSample, fastSample, handOffSample}) {
        if (sample != null) {
          sample.close();
        }
      }
      if (redis != null) {
        redisClient.shutdown();
      }
      Files.createDirectories(Path.of("target"));
      Files.write(Path.of("target", "slot-resilience-report.md"), REPORT);
      REPORT.forEach(System.out::println);
    }
  }

  @Test
  @Order(1)
  void aWorkerKilledWhileTasksHoldAndWaitForSlotsLosesNoTaskAndKeepsOneResultEach()
      throws Exception {
    var taskIds = submit(CRASH, "crash", 30, i -> 3);
    await("4 tasks done, both slots held and at least 10 tasks waiting")
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                redis.zcard(key(CRASH, "holders")) == CRASH.limit()
                    && waiters(CRASH) >= 10
                    && TestRecords.finishedAmong(taskIds) >= 4);
    var doneBefore = TestRecords.finishedAmong(taskIds);
    var killed = Instant.now();
    var pid = worker.pid();
    worker.kill();
    // callbacks of the attempts in flight reach api-app while no worker runs
    Thread.sleep(3_000);
    worker.restart();
    worker.awaitReady(Duration.ofMinutes(4));
    var restarted = Instant.now();

    var outcome = awaitResults(taskIds, Duration.ofMinutes(5));

    // a result sent just before the kill and not yet recorded as sent is sent again, same eventId
    var resends = LEDGER.assertOneResultEachUpToResends(taskIds, outcome.results());
    assertThat(outcome.results().values())
        .allSatisfy(result -> assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED"));
    var stats = slowSample.stats(CRASH.name());
    assertThat(stats.peakRunning())
        .as("attempts the algorithm saw running at once")
        .isLessThanOrEqualTo(CRASH.limit());

    REPORT.add("## 1. Worker killed with SIGKILL mid-run (30 tasks, limit 2, latency 200-400 ms)");
    REPORT.add(
        String.format(
            "- killed pid %d with %d of 30 done, %d holding, the rest waiting; restarted and"
                + " healthy %.1f s after the kill",
            pid,
            doneBefore,
            CRASH.limit(),
            Duration.between(killed, restarted).toMillis() / 1000.0));
    REPORT.add(
        String.format(
            "- last result %.1f s after the kill; all 30 SUCCEEDED, one result each (%d sent again"
                + " with its eventId); peak running at the algorithm %d (limit %d); invocations"
                + " received %d, accepted %d, duplicates %d",
            Duration.between(killed, outcome.allIn()).toMillis() / 1000.0,
            resends,
            stats.peakRunning(),
            CRASH.limit(),
            stats.received(),
            stats.accepted(),
            stats.duplicates()));
    REPORT.add("- repairs counted by the restarted worker: " + repairs(CRASH));
  }

  @Test
  @Order(2)
  void redisFlushedMidRunIsRebuiltFromTheRecords() throws Exception {
    var taskIds = submit(FLUSH, "flush", 40, i -> 3);
    // Every task has asked for its slot before the flush: one asking between the flush and the
    // rebuild finds no holders and is granted at once, beside the holders still running (the
    // window is reported, not tested: whether it hits depends on timing alone).
    await("every task queued or done, 4 done, both slots held and at least 8 tasks waiting")
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                notYetQueued(taskIds) == 0
                    && TestRecords.finishedAmong(taskIds) >= 4
                    && redis.zcard(key(FLUSH, "holders")) == FLUSH.limit()
                    && waiters(FLUSH) >= 8);
    var logFrom = Files.size(worker.log());
    var openBefore = openTasks(FLUSH);
    redis.flushall();
    var flushed = Instant.now();
    var flushedNanos = System.nanoTime();

    // the reconciler marks the state's epoch rebuilt once it put the records back
    // polled often: the time to repair is measured
    await("the slots of " + FLUSH.name() + " rebuilt")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              var epoch = redis.hget(key(FLUSH, "state"), "epoch");
              return epoch != null && epoch.equals(redis.hget(key(FLUSH, "state"), "rebuilt"));
            });
    var repairMs = (System.nanoTime() - flushedNanos) / 1_000_000;
    var inRedis = redis.zcard(key(FLUSH, "holders")) + waiters(FLUSH);
    var openAfter = openTasks(FLUSH);
    var rebuiltLine = awaitLogLine(worker, logFrom, "slots of " + FLUSH.name() + " rebuilt");

    var outcome = awaitResults(taskIds, Duration.ofMinutes(5));

    LEDGER.assertOneResultEach(taskIds, outcome.results());
    assertThat(outcome.results().values())
        .allSatisfy(result -> assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED"));
    var stats = slowSample.stats(FLUSH.name());
    assertThat(stats.peakRunning())
        .as("attempts the algorithm saw running at once")
        .isLessThanOrEqualTo(FLUSH.limit());

    REPORT.add("## 2. Redis FLUSHALL mid-run (40 tasks, limit 2, latency 200-400 ms)");
    REPORT.add(
        String.format(
            "- flushed with %d open tasks in the records; repair time (FLUSHALL to the state"
                + " marked rebuilt, polled every 10 ms): %d ms; then %d holders+waiters in Redis"
                + " for %d open tasks in the records",
            openBefore, repairMs, inRedis, openAfter));
    REPORT.add(
        String.format(
            "- FLUSHALL to the worker's log line: %d ms: `%s`",
            Duration.between(flushed, logTime(rebuiltLine)).toMillis(),
            rebuiltLine.substring(rebuiltLine.indexOf("slots of "))));
    REPORT.add(
        String.format(
            "- last result %.1f s after the flush; all 40 SUCCEEDED, one result each; peak running"
                + " at the algorithm %d (limit %d)",
            Duration.between(flushed, outcome.allIn()).toMillis() / 1000.0,
            stats.peakRunning(),
            FLUSH.limit()));
    REPORT.add("- repairs counted: " + repairs(FLUSH));
  }

  @Test
  @Order(3)
  void aWorkflowTerminatedFromOutsideEndsCancelledAndItsSlotGoesToTheNextTask() throws Exception {
    var holding = RUN + "-terminate-held";
    var next = RUN + "-terminate-next";
    traffic.submit(request(holding, TERMINATE, 3));
    await("the first task running at the algorithm")
        .atMost(Duration.ofMinutes(1))
        .until(() -> silentSample.stats(TERMINATE.name()).accepted() == 1);
    // the next one's attempt calls back
    silentSample.update(
        silentSample.settings().toBuilder().noCallbackRate(0).latencyMs(50, 50).build());
    traffic.submit(request(next, TERMINATE, 3));
    await("the next task queued")
        .atMost(Duration.ofMinutes(1))
        .until(() -> "QUEUED".equals(TestRecords.statusOf(next)));
    var logFrom = Files.size(worker.log());

    var terminated = Instant.now();
    StackCommands.temporal(
        "workflow",
        "terminate",
        "--workflow-id",
        "task-" + holding,
        "--address",
        "127.0.0.1:7233",
        "--namespace",
        TestApps.TEMPORAL_NAMESPACE,
        "--reason",
        "SlotResilienceIT: an operator ends the task");
    var outcome = awaitResults(List.of(holding, next), Duration.ofMinutes(2));

    var tokens = slotTokens(List.of(holding, next));
    var stats = silentSample.stats(TERMINATE.name());
    var soft = new SoftAssertions();
    soft.assertThat(LEDGER.copiesOf(List.of(holding, next)))
        .as("copies of each result")
        .containsExactlyInAnyOrderEntriesOf(Map.of(holding, 1, next, 1));
    var cancelled = outcome.results().get(holding);
    soft.assertThat(cancelled).as("result of the terminated task").isNotNull();
    if (cancelled != null) {
      soft.assertThat(cancelled.path("status").asString()).isEqualTo("CANCELLED");
      soft.assertThat(cancelled.path("error").path("code").asString()).isEqualTo("CANCELLED");
    }
    var succeeded = outcome.results().get(next);
    soft.assertThat(succeeded).as("result of the task that waited").isNotNull();
    if (succeeded != null) {
      soft.assertThat(succeeded.path("status").asString()).isEqualTo("SUCCEEDED");
    }
    soft.assertThat(tokens).as("slot tokens").containsKeys(holding, next);
    if (tokens.containsKey(holding) && tokens.containsKey(next)) {
      soft.assertThat(tokens.get(next).epoch()).isEqualTo(tokens.get(holding).epoch());
      soft.assertThat(tokens.get(next).counter())
          .as("the next grant after the terminated task's")
          .isEqualTo(tokens.get(holding).counter() + 1);
    }
    soft.assertThat(stats.peakRunning())
        .as(
            "attempts the algorithm saw running at once (the terminated task's attempt was"
                + " cancelled at the algorithm %d time(s); it never called back)",
            stats.cancelled())
        .isLessThanOrEqualTo(TERMINATE.limit());

    var invokedNext = invokedAt(next);
    REPORT.add("## 3. Workflow terminated with the Temporal CLI while holding the only slot");
    REPORT.add(
        String.format(
            "- terminated result: %s / %s; next task: %s; terminate to the next invocation: %s;"
                + " tokens %s",
            cancelled == null ? "none" : cancelled.path("status").asString(),
            cancelled == null ? "-" : cancelled.path("error").path("code").asString(),
            succeeded == null ? "none" : succeeded.path("status").asString(),
            invokedNext == null
                ? "never"
                : Duration.between(terminated, invokedNext).toMillis() + " ms",
            tokens));
    REPORT.add(
        String.format(
            "- at the algorithm: peak running %d (limit %d), accepted %d, cancelled %d, running"
                + " now %d",
            stats.peakRunning(),
            TERMINATE.limit(),
            stats.accepted(),
            stats.cancelled(),
            stats.running()));
    REPORT.add("- worker log: " + grep(worker, logFrom, holding));
    REPORT.add("- repairs counted: " + repairs(TERMINATE));
    soft.assertAll();
  }

  @Test
  @Order(4)
  void aBacklogIsGrantedInArrivalOrderWithinEachPriority() throws Exception {
    var priorities = new int[] {1, 3, 5};
    // Two tasks hold both slots, the algorithm answering "busy" to them, until all 300 are in
    // the queue: otherwise the first grants race the intake, and a task would be granted before
    // an earlier one had even asked.
    fastSample.update(fastSample.settings().toBuilder().busyRate(1).build());
    var blockers = submit(BACKLOG, "backlog-blocker", 2, i -> 1);
    await("both slots held by the blockers")
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                redis.zcard(key(BACKLOG, "holders")) == BACKLOG.limit()
                    && blockers.stream()
                        .allMatch(id -> "RUNNING".equals(TestRecords.statusOf(id))));
    var firstSubmit = Instant.now();
    var backlog = submit(BACKLOG, "backlog", 300, i -> priorities[i % priorities.length]);
    await("all 300 queued")
        .atMost(Duration.ofMinutes(10))
        .until(() -> waiters(BACKLOG) == backlog.size());
    var allQueued = Instant.now();
    fastSample.update(fastSample.settings().toBuilder().busyRate(0).build());

    var taskIds = new ArrayList<>(blockers);
    taskIds.addAll(backlog);
    var outcome = awaitResults(taskIds, Duration.ofMinutes(15));

    LEDGER.assertOneResultEach(taskIds, outcome.results());
    assertThat(outcome.results().values())
        .allSatisfy(result -> assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED"));
    var stats = fastSample.stats(BACKLOG.name());
    assertThat(stats.peakRunning())
        .as("attempts the algorithm saw running at once")
        .isLessThanOrEqualTo(BACKLOG.limit());

    var grants = grantsOf(taskIds);
    assertThat(grants).hasSize(taskIds.size());
    assertThat(grants.stream().map(Grant::epoch).distinct()).as("token epochs").hasSize(1);
    // the blockers were granted at once, in whichever order they asked: only the queue's order
    // is checked, and both came before it
    var backlogIds = new HashSet<>(backlog);
    var queued = grants.stream().filter(grant -> backlogIds.contains(grant.taskId())).toList();
    var firstFromTheQueue = queued.stream().mapToLong(Grant::counter).min().orElseThrow();
    assertThat(grants.stream().filter(grant -> !backlogIds.contains(grant.taskId())))
        .as("the blockers' grants")
        .allSatisfy(grant -> assertThat(grant.counter()).isLessThan(firstFromTheQueue));
    var outOfOrder = new ArrayList<String>();
    for (var priority : priorities) {
      var inArrivalOrder =
          queued.stream()
              .filter(grant -> grant.priority() == priority)
              .sorted(Comparator.comparing(Grant::submittedAt).thenComparing(Grant::counter))
              .toList();
      for (int i = 1; i < inArrivalOrder.size(); i++) {
        var earlier = inArrivalOrder.get(i - 1);
        var later = inArrivalOrder.get(i);
        if (later.counter() <= earlier.counter()) {
          outOfOrder.add(earlier + " then " + later);
        }
      }
    }
    assertThat(outOfOrder).as("grants out of arrival order within a priority").isEmpty();

    var total = Duration.between(firstSubmit, outcome.allIn()).toMillis() / 1000.0;
    var drain = Duration.between(allQueued, outcome.allIn()).toMillis() / 1000.0;
    REPORT.add(
        "## 4. Backlog: 300 tasks (priorities 1/3/5) behind 2 blockers, limit 2, latency 1 ms");
    REPORT.add(
        String.format(
            "- first submit to last result: %.1f s (%.1f tasks/s); all queued after %.1f s; from"
                + " the slots' opening to the last result: %.1f s (%.1f tasks/s)",
            total,
            backlog.size() / total,
            Duration.between(firstSubmit, allQueued).toMillis() / 1000.0,
            drain,
            taskIds.size() / drain));
    REPORT.add(
        String.format(
            "- from the records: first submitted_at to last result_published_at: %s",
            recordSpan(backlog)));
    REPORT.add(
        String.format(
            "- all %d SUCCEEDED, one result each; grants in arrival order within each priority"
                + " (%d tokens, one epoch); peak running at the algorithm %d (limit %d)",
            taskIds.size(), queued.size(), stats.peakRunning(), BACKLOG.limit()));
  }

  @Test
  @Order(5)
  void handOffLatencyOfOneSlot() throws Exception {
    var taskIds = submit(HANDOFF, "handoff", 100, i -> 3);
    var outcome = awaitResults(taskIds, Duration.ofMinutes(8));

    LEDGER.assertOneResultEach(taskIds, outcome.results());
    assertThat(outcome.results().values())
        .allSatisfy(result -> assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED"));
    var stats = handOffSample.stats(HANDOFF.name());
    assertThat(stats.peakRunning())
        .as("attempts the algorithm saw running at once")
        .isLessThanOrEqualTo(HANDOFF.limit());

    REPORT.add("## 5. Hand-off latency: 100 tasks of 10 ms on one slot");
    REPORT.add("- worker timer algotask_slots_handoff_seconds: " + handOffTimer(HANDOFF));
    var releaseToInvoke = new ArrayList<Double>();
    var callbackToInvoke = new ArrayList<Double>();
    var steps =
        grantsOf(taskIds).stream().sorted(Comparator.comparingLong(Grant::counter)).toList();
    for (int i = 1; i < steps.size(); i++) {
      var released = steps.get(i - 1);
      var next = steps.get(i);
      if (next.submittedAt().isBefore(released.taskFinishedAt())) { // it waited for this slot
        releaseToInvoke.add(millisBetween(released.taskFinishedAt(), next.invokedAt()));
        callbackToInvoke.add(millisBetween(released.callbackAt(), next.invokedAt()));
      }
    }
    REPORT.add(
        "- records, previous task's finished_at (written just after its release) to the next"
            + " one's invoked_at: "
            + Percentiles.of(releaseToInvoke));
    REPORT.add(
        "- records, previous attempt's callback recorded (task_execution.finished_at) to the next"
            + " one's invoked_at: "
            + Percentiles.of(callbackToInvoke));
    REPORT.add(
        String.format(
            "- all %d in %.1f s after the submit; peak running at the algorithm %d",
            taskIds.size(),
            Duration.between(outcome.submitted(), outcome.allIn()).toMillis() / 1000.0,
            stats.peakRunning()));
  }

  // ---- tasks and results

  private record Outcome(Map<String, JsonNode> results, Instant submitted, Instant allIn) {}

  private static volatile Instant lastSubmit;

  private static List<String> submit(
      Algorithm algorithm, String kind, int count, IntUnaryOperator priority) {
    var taskIds = new ArrayList<String>();
    var requests = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < count; i++) {
      var taskId = RUN + "-" + kind + "-" + i;
      taskIds.add(taskId);
      requests.add(request(taskId, algorithm, priority.applyAsInt(i)));
    }
    lastSubmit = Instant.now();
    traffic.submitAll(requests);
    return taskIds;
  }

  private static Map<String, Object> request(String taskId, Algorithm algorithm, int priority) {
    var request = new LinkedHashMap<String, Object>();
    request.put("taskId", taskId);
    request.put("algorithm", algorithm.name());
    request.put("tenant", "slots");
    request.put("priority", priority);
    request.put("metadata", Map.of("run", RUN));
    return request;
  }

  /** Waits for every result, then listens a little longer: a repeat arrives right behind. */
  private static Outcome awaitResults(Collection<String> taskIds, Duration timeout) {
    var submitted = lastSubmit;
    var results = traffic.awaitResults(new HashSet<>(taskIds), timeout, LEDGER::count);
    var allIn = Instant.now();
    traffic.listen(EXTRA_LISTEN, LEDGER::count);
    return new Outcome(results, submitted, allIn);
  }

  // ---- the records

  /** Tasks recorded but not yet asking for a slot, or not recorded yet. */
  private static long notYetQueued(List<String> taskIds) {
    try (var db = TestRecords.connect();
        var query =
            db.prepareStatement(
                """
                select count(*) from task
                where task_id = any (?) and status in ('QUEUED', 'RUNNING', 'SUCCEEDED')
                """)) {
      query.setArray(1, db.createArrayOf("varchar", taskIds.toArray()));
      try (var rows = query.executeQuery()) {
        rows.next();
        return taskIds.size() - rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long openTasks(Algorithm algorithm) throws SQLException {
    try (var db = TestRecords.connect();
        var query =
            db.prepareStatement(
                "select count(*) from task where algorithm = ? and status in ('QUEUED', 'RUNNING')")) {
      query.setString(1, algorithm.name());
      try (var rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static Instant invokedAt(String taskId) throws SQLException {
    try (var db = TestRecords.connect();
        var query =
            db.prepareStatement(
                "select invoked_at from task_execution where task_id = ? and attempt = 1")) {
      query.setString(1, taskId);
      try (var rows = query.executeQuery()) {
        return rows.next() ? rows.getTimestamp(1).toInstant() : null;
      }
    }
  }

  private record Token(String epoch, long counter) {
    static Token parse(String token) {
      var colon = token.indexOf(':');
      return new Token(token.substring(0, colon), Long.parseLong(token.substring(colon + 1)));
    }

    @Override
    public String toString() {
      return epoch + ":" + counter;
    }
  }

  private static Map<String, Token> slotTokens(List<String> taskIds) throws SQLException {
    var tokens = new LinkedHashMap<String, Token>();
    for (var grant : grantsOf(taskIds)) {
      tokens.put(grant.taskId(), new Token(grant.epoch(), grant.counter()));
    }
    return tokens;
  }

  /** A first attempt's slot as the records keep it: the token's counter is the grant order. */
  private record Grant(
      String taskId,
      int priority,
      Instant submittedAt,
      String epoch,
      long counter,
      Instant invokedAt,
      Instant callbackAt,
      Instant taskFinishedAt) {
    @Override
    public String toString() {
      return taskId + " (submitted " + submittedAt + ", grant " + epoch + ":" + counter + ")";
    }
  }

  private static List<Grant> grantsOf(List<String> taskIds) throws SQLException {
    var grants = new ArrayList<Grant>();
    try (var db = TestRecords.connect();
        var query =
            db.prepareStatement(
                """
                select t.task_id, t.priority, t.submitted_at, e.slot_token, e.invoked_at,
                       e.finished_at, t.finished_at
                from task t join task_execution e on e.task_id = t.task_id and e.attempt = 1
                where t.task_id = any (?)
                """)) {
      query.setArray(1, db.createArrayOf("varchar", taskIds.toArray()));
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          var token = Token.parse(rows.getString(4));
          grants.add(
              new Grant(
                  rows.getString(1),
                  rows.getInt(2),
                  rows.getTimestamp(3).toInstant(),
                  token.epoch(),
                  token.counter(),
                  rows.getTimestamp(5).toInstant(),
                  rows.getTimestamp(6) == null ? null : rows.getTimestamp(6).toInstant(),
                  rows.getTimestamp(7) == null ? null : rows.getTimestamp(7).toInstant()));
        }
      }
    }
    return grants;
  }

  private static String recordSpan(List<String> taskIds) throws SQLException {
    try (var db = TestRecords.connect();
        var query =
            db.prepareStatement(
                """
                select extract(epoch from max(result_published_at) - min(submitted_at)), count(*)
                from task where task_id = any (?)
                """)) {
      query.setArray(1, db.createArrayOf("varchar", taskIds.toArray()));
      try (var rows = query.executeQuery()) {
        rows.next();
        var seconds = rows.getDouble(1);
        return String.format(
            "%.1f s (%.1f tasks/s over %d tasks)",
            seconds, rows.getLong(2) / seconds, rows.getLong(2));
      }
    }
  }

  // ---- Redis, the worker's log and metrics

  private static String key(Algorithm algorithm, String part) {
    return KEY_PREFIX + "{" + algorithm.name() + "}:" + part;
  }

  private static long waiters(Algorithm algorithm) {
    return redis.zcard(key(algorithm, "waiters"));
  }

  /** The first line of the worker's log, from a byte offset on, that contains the text. */
  private static String awaitLogLine(JavaProcess app, long from, String text) throws Exception {
    var found = new String[1];
    await("a log line with '" + text + "'")
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              for (var line : linesFrom(app.log(), from)) {
                if (line.contains(text)) {
                  found[0] = line;
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  private static List<String> grep(JavaProcess app, long from, String text) {
    return linesFrom(app.log(), from).stream()
        .filter(line -> line.contains(text) && line.contains("WARN"))
        .map(line -> line.substring(line.indexOf(": ") + 2))
        .toList();
  }

  private static List<String> linesFrom(Path log, long from) {
    try (var file = new RandomAccessFile(log.toFile(), "r")) {
      file.seek(from);
      var bytes = new byte[(int) (file.length() - from)];
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Spring Boot's log lines begin with an ISO timestamp with offset. */
  private static Instant logTime(String line) {
    return OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
  }

  private static final Pattern REPAIR =
      Pattern.compile("algotask_slots_repairs_total\\{algorithm=\"([^\"]+)\",kind=\"([^\"]+)\".*");

  private static String repairs(Algorithm algorithm) throws Exception {
    var repairs = new TreeMap<String, String>();
    for (var line : worker.get("/actuator/prometheus").lines().toList()) {
      var match = REPAIR.matcher(line);
      var count = line.substring(line.lastIndexOf(' ') + 1);
      // every kind is there from zero: only those made count
      if (match.matches() && match.group(1).equals(algorithm.name()) && !count.equals("0.0")) {
        repairs.put(match.group(2), count);
      }
    }
    return repairs.isEmpty() ? "none" : repairs.toString();
  }

  /** p50 and p99 from the timer's histogram buckets: each is the bound of its bucket. */
  private static String handOffTimer(Algorithm algorithm) throws Exception {
    var tag = "algorithm=\"" + algorithm.name() + "\"";
    var buckets = new TreeMap<Double, Double>();
    double count = 0;
    double sum = 0;
    double max = 0;
    for (var line : worker.get("/actuator/prometheus").lines().toList()) {
      if (!line.startsWith("algotask_slots_handoff_seconds") || !line.contains(tag)) {
        continue;
      }
      var value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (line.startsWith("algotask_slots_handoff_seconds_bucket")) {
        var le = line.replaceAll(".*le=\"([^\"]+)\".*", "$1");
        buckets.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value);
      } else if (line.startsWith("algotask_slots_handoff_seconds_count")) {
        count = value;
      } else if (line.startsWith("algotask_slots_handoff_seconds_sum")) {
        sum = value;
      } else if (line.startsWith("algotask_slots_handoff_seconds_max")) {
        max = value;
      }
    }
    if (count == 0) {
      return "no hand-off recorded";
    }
    return String.format(
        "p50 <= %.1f ms, p99 <= %.1f ms (bucket bounds), mean %.1f ms, max %.1f ms (n=%.0f)",
        bucketBound(buckets, count * 0.50) * 1000,
        bucketBound(buckets, count * 0.99) * 1000,
        sum / count * 1000,
        max * 1000,
        count);
  }

  private static double bucketBound(TreeMap<Double, Double> cumulative, double rank) {
    for (var bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= rank) {
        return bucket.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  // ---- small helpers

  private static double millisBetween(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1_000_000.0;
  }
}
