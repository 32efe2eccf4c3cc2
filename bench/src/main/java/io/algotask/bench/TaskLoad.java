package io.algotask.bench;

import io.algotask.demo.TaskTraffic;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * A business service's side of a run, over Kafka: sends task requests, taking the time just before
 * each send, and reads every result on a thread of its own, taking the time it arrived.
 */
final class TaskLoad implements AutoCloseable {
  /** The first result of a task, when the load saw it. */
  record Seen(Instant at, String status, int attempts) {}

  private final TaskTraffic traffic;
  private final String tenant;
  private final String inputUri;
  private final Map<String, Instant> submitted = new ConcurrentHashMap<>();
  private final Map<String, Seen> results = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> copies = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean reading = true;
  private volatile Consumer<String> onFirstResult = taskId -> {};

  TaskLoad(String kafka, String requestsTopic, String resultsTopic, String inputUri) {
    this.traffic = new TaskTraffic(kafka, requestsTopic, resultsTopic);
    this.tenant = "bench";
    this.inputUri = inputUri;
    this.reader = new Thread(this::read, "bench-results");
    reader.setDaemon(true);
    reader.start();
  }

  /** Called with the taskId of each task's first result, on the reading thread. */
  void onFirstResult(Consumer<String> listener) {
    this.onFirstResult = listener;
  }

  void submit(String taskId, String algorithm) {
    submit(taskId, algorithm, tenant);
  }

  /** As {@link #submit(String, String)}, for the given tenant. */
  void submit(String taskId, String algorithm, String tenant) {
    submitted.put(taskId, Instant.now());
    traffic.submit(request(taskId, algorithm, tenant, inputUri));
  }

  /** Sends the requests together (one batch to the broker), each timed as the batch leaves. */
  void submitAll(List<String> taskIds, String algorithm) {
    submitAll(taskIds, algorithm, taskId -> inputUri);
  }

  /** As {@link #submitAll(List, String)}, each task with the input the function gives it. */
  void submitAll(List<String> taskIds, String algorithm, Function<String, String> inputOf) {
    var requests =
        taskIds.stream()
            .map(taskId -> request(taskId, algorithm, tenant, inputOf.apply(taskId)))
            .toList();
    var now = Instant.now();
    taskIds.forEach(taskId -> submitted.put(taskId, now));
    traffic.submitAll(requests);
  }

  private Map<String, Object> request(
      String taskId, String algorithm, String tenant, String input) {
    var request = new LinkedHashMap<String, Object>();
    request.put("taskId", taskId);
    request.put("algorithm", algorithm);
    request.put("tenant", tenant);
    request.put("input", Map.of("uri", input));
    return request;
  }

  Instant submittedAt(String taskId) {
    return submitted.get(taskId);
  }

  Seen result(String taskId) {
    return results.get(taskId);
  }

  /** How many of the tasks have a result. */
  long resultsAmong(Collection<String> taskIds) {
    return taskIds.stream().filter(results::containsKey).count();
  }

  /** When the last of the tasks' first results was seen; empty when none has one. */
  Optional<Instant> lastResultAmong(Collection<String> taskIds) {
    return taskIds.stream()
        .map(results::get)
        .filter(Objects::nonNull)
        .map(Seen::at)
        .max(Instant::compareTo);
  }

  /** Results beyond the first, over the tasks. */
  long repeatsAmong(Collection<String> taskIds) {
    return taskIds.stream()
        .mapToLong(id -> copies.containsKey(id) ? copies.get(id).get() - 1 : 0)
        .sum();
  }

  /** Waits until each task has a result or the timeout passes; true when all have one. */
  boolean awaitAll(Collection<String> taskIds, Duration timeout) throws InterruptedException {
    var deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (resultsAmong(taskIds) == taskIds.size()) {
        return true;
      }
      Thread.sleep(100);
    }
    return resultsAmong(taskIds) == taskIds.size();
  }

  private void read() {
    while (reading) {
      try {
        traffic.listen(Duration.ofMillis(300), this::accept);
      } catch (RuntimeException e) {
        if (reading) {
          System.err.println("[bench] reading results: " + e);
        }
      }
    }
  }

  private void accept(JsonNode result) {
    var at = Instant.now();
    var taskId = result.path("taskId").asString();
    copies.computeIfAbsent(taskId, id -> new AtomicInteger()).incrementAndGet();
    var first =
        results.putIfAbsent(
            taskId,
            new Seen(at, result.path("status").asString(), result.path("attempts").asInt()));
    if (first == null) {
      onFirstResult.accept(taskId);
    }
  }

  @Override
  public void close() throws InterruptedException {
    reading = false;
    reader.join(5_000);
    traffic.close();
  }
}
