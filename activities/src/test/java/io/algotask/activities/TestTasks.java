package io.algotask.activities;

import io.algotask.adapters.contract.TaskRequest;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.registry.AlgorithmChange;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.workflows.model.TaskStatus;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Algorithms and tasks of a test's own, under names no other test uses, recorded as the registry
 * and intake record them; forgotten, with their slots, when the test is over.
 */
@Component
class TestTasks {
  static final String REPLY_TOPIC = "algotask.task.results";

  private final TaskTransitions transitions;
  private final AlgorithmRegistry registry;
  private final SlotSemaphore semaphore;
  private final RedisConnection redis;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final List<String> algorithms = new ArrayList<>();
  private final List<String> tasks = new ArrayList<>();

  TestTasks(
      TaskTransitions transitions,
      AlgorithmRegistry registry,
      SlotSemaphore semaphore,
      RedisConnection redis,
      JdbcClient jdbc,
      JsonMapper json) {
    this.transitions = transitions;
    this.registry = registry;
    this.semaphore = semaphore;
    this.redis = redis;
    this.jdbc = jdbc;
    this.json = json;
  }

  /** A new algorithm served at the endpoints (the cancel endpoint may be null). */
  String algorithm(URI endpoint, URI cancelEndpoint, int maxConcurrency) {
    var name = "act-it-" + UUID.randomUUID().toString().substring(0, 8);
    algorithms.add(name);
    registry.register(
        name, new AlgorithmChange(endpoint, cancelEndpoint, maxConcurrency, null, null, null));
    return name;
  }

  /** An algorithm that is never invoked: for the tests of slots and records. */
  String algorithm(int maxConcurrency) {
    return algorithm(URI.create("http://127.0.0.1:9/never"), null, maxConcurrency);
  }

  /** A task of the algorithm, accepted and not started yet. */
  String task(String algorithm) {
    return task(algorithm, REPLY_TOPIC, Map.of());
  }

  /** A task of the algorithm, accepted and not started yet, replying to the topic. */
  String task(String algorithm, String replyTopic, Map<String, String> metadata) {
    var taskId = algorithm + "-" + UUID.randomUUID().toString().substring(0, 8);
    tasks.add(taskId);
    var request =
        new TaskRequest(
            taskId,
            algorithm,
            "acme",
            5,
            new TaskRequest.Input("s3://algotask-documents/acme/" + taskId + ".pdf"),
            json.readTree("{\"lang\": \"en\"}"),
            replyTopic,
            60,
            60,
            1,
            metadata);
    transitions.insertIfAbsent(
        new TaskTransitions.NewTask(
            taskId,
            algorithm,
            "acme",
            5,
            TaskStatus.ACCEPTED,
            replyTopic,
            json.writeValueAsString(request),
            null,
            null,
            Instant.now().truncatedTo(ChronoUnit.MICROS),
            null));
    return taskId;
  }

  void forget() {
    for (var taskId : tasks) {
      for (var table : List.of("task_execution", "task_event", "task")) {
        jdbc.sql("delete from " + table + " where task_id = :taskId")
            .param("taskId", taskId)
            .update();
      }
    }
    for (var name : algorithms) {
      jdbc.sql("delete from algorithm where name = :name").param("name", name).update();
      redis.sync().del(semaphore.keys(name).all());
    }
    tasks.clear();
    algorithms.clear();
  }
}
