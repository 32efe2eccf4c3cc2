package io.algotask.sample;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Counters per algorithm name, created on first use. */
final class StatsRegistry {
  private final Map<String, AlgorithmCounters> byAlgorithm = new ConcurrentHashMap<>();

  AlgorithmCounters forAlgorithm(String algorithm) {
    return byAlgorithm.computeIfAbsent(algorithm, name -> new AlgorithmCounters());
  }

  AlgorithmStats snapshot(String algorithm) {
    AlgorithmCounters counters = byAlgorithm.get(algorithm);
    return counters == null ? AlgorithmStats.NONE : counters.snapshot();
  }

  SortedMap<String, AlgorithmStats> snapshotAll() {
    SortedMap<String, AlgorithmStats> all = new TreeMap<>();
    byAlgorithm.forEach((name, counters) -> all.put(name, counters.snapshot()));
    return all;
  }

  void resetAll() {
    byAlgorithm.values().forEach(AlgorithmCounters::reset);
  }
}
