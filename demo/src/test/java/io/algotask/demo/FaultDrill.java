package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.sample.SampleAlgorithmServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * One fault at a time over running tasks, the same way for every fault report: a first batch of
 * tasks is submitted, the fault is injected once the algorithm's slots are all held and some tasks
 * are done, a second batch is submitted while it lasts, and then every task must end SUCCEEDED with
 * exactly one result while the algorithm never saw more attempts running than its limit. Each fault
 * adds a row to the report.
 */
final class FaultDrill implements AutoCloseable {
  private static final Duration EXTRA_LISTEN = Duration.ofSeconds(3);

  /**
   * The drill's tasks alternate between two tenants; a run may weigh this one more in its
   * algorithms' fair share.
   */
  static final String HEAVY_TENANT = "faults-heavy";

  /** What the fault did, for the report; it may submit the second batch while it lasts. */
  @FunctionalInterface
  interface Fault {
    String inject(String algorithm) throws Exception;
  }

  private final String run;
  private final SampleAlgorithmServer sample;
  private final TaskTraffic traffic;
  private final int limit;
  private final int before;
  private final int during;
  private final List<String> report = Collections.synchronizedList(new ArrayList<>());
  private final ResultLedger ledger = new ResultLedger();

  /** When each task ended, as its result says, for the pauses the faults caused. */
  private final Map<String, Instant> arrivals = new ConcurrentHashMap<>();

  FaultDrill(
      String run,
      SampleAlgorithmServer sample,
      TaskTraffic traffic,
      int limit,
      int before,
      int during,
      String title,
      String setting) {
    this.run = run;
    this.sample = sample;
    this.traffic = traffic;
    this.limit = limit;
    this.before = before;
    this.during = during;
    report.add("# " + title + " (run " + run + ")");
    report.add("");
    report.add(
        setting
            + " Each fault: "
            + before
            + " tasks submitted, the fault injected once "
            + limit
            + " attempts run and some tasks are done, "
            + during
            + " more submitted while it lasts.");
    report.add("");
    report.add(
        "| fault | what happened | submitted | ended | duplicates | limit exceeded | attempts |"
            + " tasks with a repeated attempt | longest pause in task ends | fault to last task end |");
    report.add("|---|---|---|---|---|---|---|---|---|---|");
  }

  /** Runs one fault over the algorithm's tasks and checks the invariants; adds its row. */
  void runThrough(String algorithm, String title, Fault injection) throws Exception {
    var first = submit(algorithm, "before", before);
    await("3 tasks done and " + limit + " attempts running")
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                sample.stats(algorithm).running() == limit
                    && TestRecords.finishedAmong(first) >= 3);
    var injected = Instant.now();
    var happened = injection.inject(algorithm);

    var taskIds = new ArrayList<>(first);
    for (int i = 0; i < during; i++) {
      taskIds.add(taskId(algorithm, "during", i));
    }
    var results = traffic.awaitResults(new HashSet<>(taskIds), Duration.ofMinutes(4), this::count);
    // the topic may also carry late results of an earlier fault's tasks
    results.keySet().retainAll(taskIds);
    traffic.listen(EXTRA_LISTEN, this::count);

    var stats = sample.stats(algorithm);
    var statuses = new LinkedHashMap<String, Long>();
    results
        .values()
        .forEach(result -> statuses.merge(result.path("status").asString(), 1L, Long::sum));
    var repeated = results.values().stream().filter(r -> r.path("attempts").asInt() > 1).count();
    report.add(
        String.format(
            "| %s | %s; results %s | %d | %d | %d | %s (peak %d) | %d | %d | %.1f s | %.1f s |",
            title,
            happened,
            statuses,
            taskIds.size(),
            results.size(),
            ledger.duplicatesAmong(taskIds),
            stats.peakRunning() > limit ? "yes" : "no",
            stats.peakRunning(),
            TestRecords.attemptsAmong(taskIds),
            repeated,
            longestPause(injected, taskIds),
            seconds(injected, lastEnd(taskIds))));

    ledger.assertOneResultEach(taskIds, results);
    assertThat(results.values())
        .allSatisfy(result -> assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED"));
    assertThat(stats.peakRunning())
        .as("attempts the algorithm saw running at once")
        .isLessThanOrEqualTo(limit);
  }

  /** Submits a batch of the algorithm's tasks; returns their ids. */
  List<String> submit(String algorithm, String batch, int count) {
    var taskIds = new ArrayList<String>();
    var requests = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < count; i++) {
      var taskId = taskId(algorithm, batch, i);
      taskIds.add(taskId);
      var request = new LinkedHashMap<String, Object>();
      request.put("taskId", taskId);
      request.put("algorithm", algorithm);
      request.put("tenant", i % 2 == 0 ? HEAVY_TENANT : "faults-light");
      request.put("metadata", Map.of("run", run));
      requests.add(request);
    }
    traffic.submitAll(requests);
    return taskIds;
  }

  /** Submits the batch that arrives while the fault lasts. */
  void submitDuring(String algorithm) {
    submit(algorithm, "during", during);
  }

  void addLine(String line) {
    report.add(line);
  }

  static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  /** Listens a little longer for late copies, then writes the report to target/. */
  void writeReport(String fileName) throws IOException {
    traffic.listen(EXTRA_LISTEN, this::count);
    report.add("");
    report.add(
        "Results read more than once at any time: "
            + (ledger.repeated().isEmpty() ? "none" : ledger.repeated()));
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", fileName), report);
    report.forEach(System.out::println);
  }

  @Override
  public void close() {
    traffic.close();
  }

  private void count(JsonNode result) {
    ledger.count(result);
    var finishedAt = result.path("finishedAt").asString();
    arrivals.putIfAbsent(
        result.path("taskId").asString(),
        finishedAt.isEmpty() ? Instant.now() : Instant.parse(finishedAt));
  }

  private Instant lastEnd(List<String> taskIds) {
    return taskIds.stream()
        .map(arrivals::get)
        .filter(at -> at != null)
        .max(Comparator.naturalOrder())
        .orElseThrow();
  }

  private static String taskId(String algorithm, String batch, int i) {
    return algorithm + "-" + batch + "-" + i;
  }

  /** The longest time without a task ending, from the fault to the last of them. */
  private double longestPause(Instant injected, List<String> taskIds) {
    var times =
        taskIds.stream()
            .map(arrivals::get)
            .filter(at -> at != null && at.isAfter(injected))
            .sorted(Comparator.naturalOrder())
            .toList();
    var previous = injected;
    double longest = 0;
    for (var at : times) {
      longest = Math.max(longest, seconds(previous, at));
      previous = at;
    }
    return longest;
  }
}
