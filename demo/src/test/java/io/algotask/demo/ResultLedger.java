package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Every copy of every result a test class read, by taskId: {@code eventId/status} in arrival order.
 * A task must end with exactly one; a second copy, even a resend with the same eventId, is counted
 * as a duplicate.
 */
final class ResultLedger {
  private final Map<String, List<String>> copies = new ConcurrentHashMap<>();

  /** The listener to hand to {@link TaskTraffic#awaitResults} and {@link TaskTraffic#listen}. */
  void count(JsonNode result) {
    copies
        .computeIfAbsent(
            result.path("taskId").asString(), id -> Collections.synchronizedList(new ArrayList<>()))
        .add(result.path("eventId").asString() + "/" + result.path("status").asString());
  }

  Map<String, Integer> copiesOf(Collection<String> taskIds) {
    var counts = new LinkedHashMap<String, Integer>();
    for (var taskId : taskIds) {
      counts.put(taskId, copies.getOrDefault(taskId, List.of()).size());
    }
    return counts;
  }

  /** Copies beyond the first, over the tasks given. */
  int duplicatesAmong(Collection<String> taskIds) {
    return copiesOf(taskIds).values().stream().mapToInt(count -> Math.max(0, count - 1)).sum();
  }

  /** Every task read more than once, with its copies. */
  Map<String, List<String>> repeated() {
    var repeated = new TreeMap<String, List<String>>();
    copies.forEach(
        (taskId, list) -> {
          if (list.size() > 1) {
            repeated.put(taskId, List.copyOf(list));
          }
        });
    return repeated;
  }

  /**
   * Each task has a result, and every copy of it is the same result: the contract's promise when a
   * fault forces a resend (a worker killed between the broker's ack and the record of it sends the
   * result again, with its eventId). Returns the number of such resends.
   */
  int assertOneResultEachUpToResends(Collection<String> taskIds, Map<String, JsonNode> results) {
    var missing = taskIds.stream().filter(id -> !results.containsKey(id)).toList();
    assertThat(missing).as("tasks without a result").isEmpty();
    var differing = new TreeMap<String, List<String>>();
    for (var taskId : taskIds) {
      var list = copies.getOrDefault(taskId, List.of());
      if (list.stream().distinct().count() != 1) {
        differing.put(taskId, list);
      }
    }
    assertThat(differing).as("tasks with more than one result, or none").isEmpty();
    return duplicatesAmong(taskIds);
  }

  /** Each task has a result, and no task's result was read more than once. */
  void assertOneResultEach(Collection<String> taskIds, Map<String, JsonNode> results) {
    var missing = taskIds.stream().filter(id -> !results.containsKey(id)).toList();
    assertThat(missing).as("tasks without a result").isEmpty();
    var notOnce = new TreeMap<String, List<String>>();
    for (var taskId : taskIds) {
      var list = copies.getOrDefault(taskId, List.of());
      if (list.size() != 1) {
        notOnce.put(taskId, list);
      }
    }
    assertThat(notOnce).as("tasks whose result did not arrive exactly once").isEmpty();
  }
}
