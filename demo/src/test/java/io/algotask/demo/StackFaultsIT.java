package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.demo.process.JavaProcess;
import io.algotask.sample.AlgorithmStats;
import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults of the processes around the tasks, over the real local stack: api-app killed with SIGKILL,
 * and the Temporal dev server, the Kafka broker and PostgreSQL each restarted, while tasks hold and
 * wait for slots and more tasks arrive. Each fault asserts that every task ends with exactly one
 * result, SUCCEEDED, and that the algorithm never saw more attempts running than its limit. At the
 * end, the apps' logs must hold no callback token, presigned URL or configured secret. Figures go
 * to target/stack-faults-report.md.
 *
 * <p>The faults the slots themselves face (a worker killed, Redis flushed, a workflow terminated)
 * are in {@link SlotResilienceIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackFaultsIT {
  private static final String RUN = "faults-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String REQUESTS = TestApps.requestsTopic(RUN);
  private static final String RESULTS = TestApps.resultsTopic(RUN);

  /** Tasks submitted before the fault, and while it lasts. */
  private static final int BEFORE = 16;

  private static final int DURING = 6;
  private static final int LIMIT = 2;
  private static final Duration EXTRA_LISTEN = Duration.ofSeconds(3);
  private static final List<String> REPORT = Collections.synchronizedList(new ArrayList<>());
  private static final ResultLedger LEDGER = new ResultLedger();

  private static SampleAlgorithmServer sample;
  private static JavaProcess worker;
  private static JavaProcess api;
  private static TaskTraffic traffic;

  /** What the fault did, for the report. */
  @FunctionalInterface
  private interface Fault {
    String inject(String algorithm) throws Exception;
  }

  @BeforeAll
  static void startEverything() throws Exception {
    sample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder().latencyMs(200, 400).seed(11L).build());
    var apiPort = JavaProcess.freePort();
    var common = TestApps.runArguments(RUN, apiPort);
    // this run's own slot keys, so that this run's worker holds the reconciler lease
    common.add("--algotask.slots.key-prefix=algotask:slots:" + RUN + ":");
    for (var fault : List.of("api", "temporal", "kafka", "postgres")) {
      var prefix = "--algotask.algorithms." + algorithm(fault) + ".";
      common.add(prefix + "endpoint=" + sample.invocationUrl(algorithm(fault)));
      common.add(prefix + "max-concurrency=" + LIMIT);
      // A callback lost in the fault costs its attempt: the next one runs after the timeout. While
      // api-app is down every callback is lost, so its attempts must outlast its start-up.
      common.add(prefix + "execution-timeout=" + (fault.equals("api") ? "20s" : "6s"));
      common.add(prefix + "max-attempts=10");
    }
    var apps =
        TestApps.startBoth("faults", RUN, apiPort, JavaProcess.freePort(), common, List.of());
    worker = apps.worker();
    api = apps.api();
    traffic = new TaskTraffic("127.0.0.1:9092", REQUESTS, RESULTS);
    REPORT.add("# Stack faults (run " + RUN + ")");
    REPORT.add("");
    REPORT.add(
        "Each fault: "
            + BEFORE
            + " tasks submitted, the fault injected once "
            + LIMIT
            + " attempts run and some tasks are done, "
            + DURING
            + " more submitted while it lasts; limit "
            + LIMIT
            + ", latency 200-400 ms, attempts of 6 s (20 s for the api-app fault), at most 10.");
    REPORT.add("");
    REPORT.add(
        "| fault | what happened | submitted | ended | duplicates | limit exceeded | attempts |"
            + " fault to last result |");
    REPORT.add("|---|---|---|---|---|---|---|---|");
  }

  private static String algorithm(String fault) {
    return RUN + "-" + fault;
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (traffic != null) {
        traffic.listen(EXTRA_LISTEN, LEDGER::count);
        REPORT.add("");
        REPORT.add(
            "Results read more than once at any time: "
                + (LEDGER.repeated().isEmpty() ? "none" : LEDGER.repeated()));
        traffic.close();
      }
    } finally {
      for (var app : new JavaProcess[] {api, worker}) {
        if (app != null) {
          app.close();
        }
      }
      if (sample != null) {
        sample.close();
      }
      Files.createDirectories(Path.of("target"));
      Files.write(Path.of("target", "stack-faults-report.md"), REPORT);
      REPORT.forEach(System.out::println);
    }
  }

  @Test
  @Order(1)
  void apiAppKilledAndRestarted() throws Exception {
    runThrough(
        "api",
        "api-app killed (SIGKILL)",
        algorithm -> {
          api.kill();
          var killed = Instant.now();
          // requests wait in Kafka, callbacks find nobody: their attempts time out and are resent
          submit(algorithm, "during", DURING);
          Thread.sleep(3_000);
          api.restart();
          api.awaitReady(Duration.ofMinutes(2));
          return String.format(
              "down %.1f s; requests waited in Kafka, callbacks sent meanwhile were lost and their"
                  + " attempts timed out and ran again",
              seconds(killed, Instant.now()));
        });
  }

  @Test
  @Order(2)
  void temporalRestarted() throws Exception {
    runThrough("temporal", "Temporal dev server restarted", restartDuring("temporal"));
  }

  @Test
  @Order(3)
  void kafkaRestarted() throws Exception {
    runThrough("kafka", "Kafka broker restarted", restartDuring("kafka"));
  }

  @Test
  @Order(4)
  void postgresRestarted() throws Exception {
    runThrough("postgres", "PostgreSQL restarted", restartDuring("postgres"));
  }

  @Test
  @Order(5)
  void noTokenPresignedUrlOrSecretReachesTheLogs() throws IOException {
    var secrets =
        List.of(
            Pattern.compile("v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}"),
            Pattern.compile("X-Amz-(Signature|Credential)", Pattern.CASE_INSENSITIVE),
            Pattern.compile(Pattern.quote("algotask-development-signing-key-not-a-secret")),
            Pattern.compile(Pattern.quote("algotask-secret")),
            Pattern.compile(Pattern.quote("algotask-dev-client-key")),
            Pattern.compile(Pattern.quote("algotask-dev-operator-token")));
    var found = new LinkedHashMap<String, String>();
    long lines = 0;
    for (var app : List.of(api, worker)) {
      for (var line : Files.readAllLines(app.log(), StandardCharsets.UTF_8)) {
        lines++;
        for (var secret : secrets) {
          if (secret.matcher(line).find()) {
            found.putIfAbsent(secret.pattern(), app.log().getFileName() + ": " + line);
          }
        }
      }
    }
    REPORT.add("");
    REPORT.add(
        String.format(
            "Logs of both apps after the faults: %d lines, %s",
            lines, found.isEmpty() ? "no token, presigned URL or secret" : "leaks: " + found));
    assertThat(found).as("secrets in the apps' logs").isEmpty();
  }

  /** Restarts the service while the second batch is being submitted. */
  private static Fault restartDuring(String service) {
    return algorithm -> {
      var started = Instant.now();
      var restart =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return StackCommands.restart(service);
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      submit(algorithm, "during", DURING);
      restart.get(3, TimeUnit.MINUTES);
      return String.format(
          "restarted, healthy again %.1f s after the stop began", seconds(started, Instant.now()));
    };
  }

  /**
   * Submits the first batch, waits until both slots are held and some tasks are done, injects the
   * fault, and checks the invariants over both batches.
   */
  private static void runThrough(String fault, String title, Fault injection) throws Exception {
    var algorithm = algorithm(fault);
    var before = submit(algorithm, "before", BEFORE);
    await("3 tasks done and " + LIMIT + " attempts running")
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                sample.stats(algorithm).running() == LIMIT
                    && TestRecords.finishedAmong(before) >= 3);
    var injected = Instant.now();
    var happened = injection.inject(algorithm);

    var taskIds = new ArrayList<>(before);
    for (int i = 0; i < DURING; i++) {
      taskIds.add(taskId(algorithm, "during", i));
    }
    var results =
        traffic.awaitResults(new HashSet<>(taskIds), Duration.ofMinutes(4), LEDGER::count);
    var allIn = Instant.now();
    traffic.listen(EXTRA_LISTEN, LEDGER::count);

    var stats = sample.stats(algorithm);
    var statuses = new LinkedHashMap<String, Long>();
    results
        .values()
        .forEach(result -> statuses.merge(result.path("status").asString(), 1L, Long::sum));
    var duplicates = LEDGER.duplicatesAmong(taskIds);
    REPORT.add(
        String.format(
            "| %s | %s; results %s | %d | %d | %d | %s (peak %d) | %d | %.1f s |",
            title,
            happened,
            statuses,
            taskIds.size(),
            results.size(),
            duplicates,
            stats.peakRunning() > LIMIT ? "yes" : "no",
            stats.peakRunning(),
            TestRecords.attemptsAmong(taskIds),
            seconds(injected, allIn)));

    LEDGER.assertOneResultEach(taskIds, results);
    assertThat(results.values())
        .allSatisfy(result -> assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED"));
    assertPeakWithinLimit(stats);
  }

  private static void assertPeakWithinLimit(AlgorithmStats stats) {
    assertThat(stats.peakRunning())
        .as("attempts the algorithm saw running at once")
        .isLessThanOrEqualTo(LIMIT);
  }

  private static List<String> submit(String algorithm, String batch, int count) {
    var taskIds = new ArrayList<String>();
    var requests = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < count; i++) {
      var taskId = taskId(algorithm, batch, i);
      taskIds.add(taskId);
      var request = new LinkedHashMap<String, Object>();
      request.put("taskId", taskId);
      request.put("algorithm", algorithm);
      request.put("tenant", "faults");
      request.put("metadata", Map.of("run", RUN));
      requests.add(request);
    }
    traffic.submitAll(requests);
    return taskIds;
  }

  private static String taskId(String algorithm, String batch, int i) {
    return algorithm + "-" + batch + "-" + i;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
