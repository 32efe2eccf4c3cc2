package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * An adaptive limit finding an algorithm's hidden capacity, over the real local stack: both apps
 * from their jars ({@link SharedApps}), the sample algorithm service in this process with a
 * capacity of 8 (429 beyond it), registered as adaptive between 1 and 32 with a 2 s window. A
 * steady backlog is kept; the limit in force is read from Redis every 250 ms. It must come within
 * 10 % of the capacity in under a minute (the mean over 6 s, since additive increase probes one
 * slot above the capacity now and then), then follow the capacity down to 4 and up to 12. Every
 * task still gets one result. The timeline goes to target/adaptive-limit-report.md. About a minute
 * and a half.
 */
class AdaptiveCapacityIT {
  private static final String RUN = "adaptive-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String ALGORITHM = RUN;
  // the apps' default
  private static final String KEY_PREFIX = "algotask:slots:";
  private static final String OPERATOR_TOKEN = SharedApps.OPERATOR_TOKEN;
  private static final int MAX = 32;

  /** Tasks kept in the system (waiting, running or about to be): more than any limit here. */
  private static final int IN_SYSTEM = 45;

  private static final Duration SAMPLE_EVERY = Duration.ofMillis(250);
  private static final Duration TRAILING = Duration.ofSeconds(6);
  private static final Duration CONVERGE_WITHIN = Duration.ofMinutes(1);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The limit in force at one moment, ms after the phase began. */
  private record Sample(long atMs, int limit, long holders, long waiters) {}

  /** One capacity and how the limit found it. */
  private record Phase(int capacity, Duration convergedAfter, List<Sample> samples) {}

  private SampleAlgorithmServer sample;
  private RedisCommands<String, String> redis;
  private TaskTraffic traffic;
  private final List<String> submitted = new ArrayList<>();

  @Test
  void theLimitFindsTheHiddenCapacityAndFollowsItDownAndUp() throws Exception {
    sample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder()
                .latencyMs(700, 900)
                .workerThreads(8)
                .capacity(8)
                .build());
    var redisClient = RedisClient.create("redis://127.0.0.1:6379");
    redis = redisClient.connect().sync();
    var apps = SharedApps.get();
    var settings = new HashMap<String, Object>();
    settings.put("endpoint", sample.invocationUrl(ALGORITHM).toString());
    settings.put("maxConcurrency", MAX);
    settings.put("adaptive", true);
    settings.put("minConcurrency", 1);
    settings.put("adaptiveWindowSeconds", 2);
    settings.put("executionTimeoutSeconds", 120);
    settings.put("queueTimeoutSeconds", 600);
    apps.register(ALGORITHM, settings);
    traffic = apps.traffic();
    var phases = new ArrayList<Phase>();
    try {
      for (var capacity : List.of(8, 4, 12)) {
        sample.update(sample.settings().toBuilder().capacity(capacity).build());
        phases.add(follow(capacity));
      }
      var view = algorithmView(apps.apiPort());
      var metrics = apps.worker().get("/actuator/prometheus");
      stopFeedingAndCheckEveryResult();

      assertThat(view.get("adaptive")).isEqualTo(true);
      assertThat(view.get("minConcurrency")).isEqualTo(1);
      assertThat((Integer) view.get("effectiveLimit")).isBetween(10, 13);
      assertThat(metrics)
          .containsPattern(
              "algotask_slots_limit\\{algorithm=\"" + ALGORITHM + "\"[^}]*} (1[0-3])\\.0");
    } finally {
      writeReport(phases);
      traffic.close();
      redisClient.shutdown();
      sample.close();
    }
    for (var phase : phases) {
      assertThat(phase.convergedAfter())
          .as("the limit within 10 %% of a capacity of %d", phase.capacity())
          .isNotNull()
          .isLessThan(CONVERGE_WITHIN);
    }
    assertThat(phases.get(0).samples())
        .as("never above the maximum, never below the minimum")
        .allSatisfy(s -> assertThat(s.limit()).isBetween(1, MAX));
  }

  /**
   * Keeps the backlog and samples the limit until its mean over the trailing span has been within
   * 10 % of the capacity, and for one more span after that (it stays there), or the minute is up.
   */
  private Phase follow(int capacity) throws InterruptedException {
    var samples = new ArrayList<Sample>();
    var started = System.nanoTime();
    Duration converged = null;
    while (true) {
      feed();
      var atMs = (System.nanoTime() - started) / 1_000_000;
      samples.add(
          new Sample(
              atMs,
              Integer.parseInt(redis.hget(key("state"), "limit")),
              redis.zcard(key("holders")),
              redis.zcard(key("waiters"))));
      if (atMs >= TRAILING.toMillis()) {
        var from = atMs - TRAILING.toMillis();
        var mean =
            samples.stream()
                .filter(s -> s.atMs() >= from)
                .mapToInt(Sample::limit)
                .average()
                .orElseThrow();
        var within = Math.abs(mean - capacity) <= 0.1 * capacity;
        if (within && converged == null) {
          converged = Duration.ofMillis(from);
        } else if (!within
            && converged != null
            && atMs - converged.toMillis() < 2 * TRAILING.toMillis()) {
          converged = null; // it passed through on its way: not there yet
        }
        if (converged != null && atMs - converged.toMillis() >= 2 * TRAILING.toMillis()) {
          return new Phase(capacity, converged, samples);
        }
      }
      if (atMs > CONVERGE_WITHIN.plus(TRAILING).toMillis()) {
        return new Phase(capacity, null, samples);
      }
      Thread.sleep(SAMPLE_EVERY.toMillis());
    }
  }

  /** Tops the tasks in the system up to {@link #IN_SYSTEM}: the queue never runs dry. */
  private void feed() {
    var done = sample.stats(ALGORITHM).callbacksSucceeded();
    var missing = IN_SYSTEM - (submitted.size() - done);
    var requests = new ArrayList<Map<String, Object>>();
    for (var i = 0; i < missing; i++) {
      var taskId = RUN + "-" + submitted.size();
      submitted.add(taskId);
      var request = new LinkedHashMap<String, Object>();
      request.put("taskId", taskId);
      request.put("algorithm", ALGORITHM);
      request.put("tenant", "adaptive");
      requests.add(request);
    }
    if (!requests.isEmpty()) {
      traffic.submitAll(requests);
    }
  }

  private void stopFeedingAndCheckEveryResult() {
    var ledger = new ResultLedger();
    var results =
        traffic.awaitResults(new HashSet<>(submitted), Duration.ofMinutes(1), ledger::count);
    traffic.listen(Duration.ofSeconds(2), ledger::count);
    assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(submitted);
    assertThat(results.values())
        .allSatisfy(result -> assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED"));
    assertThat(ledger.repeated()).as("results repeated").isEmpty();
    var stats = sample.stats(ALGORITHM);
    assertThat(stats.overCapacity()).as("the capacity was found by its 429s").isPositive();
    assertThat(stats.peakRunning()).isLessThanOrEqualTo(12);
  }

  private Map<String, Object> algorithmView(int apiPort) throws Exception {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1/algorithms"))
                    .header("Authorization", "Bearer " + OPERATOR_TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    for (var each : JSON.readTree(response.body())) {
      if (each.path("name").asString().equals(ALGORITHM)) {
        var view = new HashMap<String, Object>();
        view.put("adaptive", each.path("adaptive").asBoolean());
        view.put("minConcurrency", each.path("minConcurrency").asInt());
        view.put("effectiveLimit", each.path("effectiveLimit").asInt());
        return view;
      }
    }
    throw new AssertionError(ALGORITHM + " is not in " + response.body());
  }

  private String key(String name) {
    return KEY_PREFIX + "{" + ALGORITHM + "}:" + name;
  }

  private void writeReport(List<Phase> phases) throws Exception {
    var report = new StringBuilder("# Adaptive limit: finding a hidden capacity\n\n");
    report.append("| capacity | within 10 % after | mean limit, last 6 s |\n|---|---|---|\n");
    for (var phase : phases) {
      var last = phase.samples().get(phase.samples().size() - 1).atMs();
      report.append(
          String.format(
              "| %d | %s | %.2f |%n",
              phase.capacity(),
              phase.convergedAfter() == null
                  ? "not within a minute"
                  : String.format("%.1f s", phase.convergedAfter().toMillis() / 1000.0),
              phase.samples().stream()
                  .filter(s -> s.atMs() >= last - TRAILING.toMillis())
                  .mapToInt(Sample::limit)
                  .average()
                  .orElse(0)));
    }
    report.append("\nms into the phase, limit in force, holders, waiters:\n\n```text\n");
    for (var phase : phases) {
      report.append("capacity ").append(phase.capacity()).append('\n');
      for (var s : phase.samples()) {
        report.append(
            String.format("%6d %3d %3d %3d%n", s.atMs(), s.limit(), s.holders(), s.waiters()));
      }
    }
    report.append("```\n");
    Files.writeString(Path.of("target", "adaptive-limit-report.md"), report);
    System.out.println(report.substring(0, report.indexOf("\nms into")));
  }
}
