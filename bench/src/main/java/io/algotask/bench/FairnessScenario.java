package io.algotask.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Two tenants in one slot pool. First with equal weights, a noisy tenant submitting ten times a
 * quiet one's rate, together more than the pool serves: each tenant's queue wait (the quiet one's
 * should stay what an idle pool gives it). Then weights 3:1, both tenants backlogged: how the
 * grants split, against the 75 % / 25 % the weights entitle them to. Each phase has an algorithm
 * and a measuring window of its own.
 */
final class FairnessScenario {
  static final String EQUAL = "fairness-equal";
  static final String WEIGHTED = "fairness-weighted";
  static final List<String> PHASES = List.of(EQUAL, WEIGHTED);

  static final String NOISY = "noisy";
  static final String QUIET = "quiet";

  static final int LIMIT = 4;

  /**
   * 400 ms per task: the pool serves 10 tasks per second, a rate two cores sustain with room, so
   * that a wait is the pool's and not the machine's.
   */
  static final long LATENCY_MS = 400;

  /** The equal phase's rates: together 1.3 times what the pool serves. */
  static final double NOISY_PER_SECOND = 12;

  static final double QUIET_PER_SECOND = NOISY_PER_SECOND / 10;

  /** The weighted phase's weights: noisy is entitled to three grants of every four. */
  static final Map<String, Integer> WEIGHTS = Map.of(NOISY, 3, QUIET, 1);

  /** The weighted phase: each tenant's tasks in flight, four times the limit, so both wait. */
  static final int IN_FLIGHT_PER_TENANT = 4 * LIMIT;

  /** How long the noisy tenant's backlog may take to drain after the equal phase. */
  private static final Duration DRAIN = Duration.ofMinutes(3);

  /**
   * One phase: the tasks' grants as recorded, and what the load saw.
   *
   * @param grants every task of the phase's algorithm, in the order they first started
   * @param start when the phase's first task was submitted
   */
  record Phase(
      String label,
      List<Records.Grant> grants,
      Instant start,
      long results,
      boolean clean,
      String outcome,
      ResourceSampler.Measured usage,
      String logs) {}

  private FairnessScenario() {}

  static List<ScenarioReport> run(BenchRun bench) throws Exception {
    var seconds = bench.settings.fairnessDuration();
    var equal = phase(bench, EQUAL, "equal weights, noisy at 10 times quiet's rate", seconds);
    var weighted = phase(bench, WEIGHTED, "weights 3:1, both backlogged", seconds);
    var reports = new ArrayList<ScenarioReport>();
    for (var phase : List.of(equal, weighted)) {
      reports.add(
          new ScenarioReport(
              "fairness, " + phase.label(), null, "", List.of(), phase.results(), phase.usage()));
    }
    var images = new StringBuilder();
    for (var phase : List.of(equal, weighted)) {
      var chart = "fairness-queue-wait-" + (phase == equal ? "equal" : "weighted") + ".png";
      Charts.points(
          bench.reportDir.resolve(chart),
          "Queue wait by tenant, " + phase.label(),
          "seconds since the first submit (by submit)",
          "queue wait, seconds",
          waitsOverTime(phase.grants(), phase.start()));
      images.append("\n").append(Markdown.image("queue wait by tenant, " + phase.label(), chart));
    }
    var grantsChart = "fairness-grants-weighted.png";
    Charts.lines(
        bench.reportDir.resolve(grantsChart),
        "Grants per second by tenant, weights noisy 3 : quiet 1",
        "seconds since the first submit",
        "slots granted per second",
        grantsPerSecond(weighted.grants(), weighted.start()));
    var body = new StringBuilder(describe(seconds));
    body.append(table(equal, weighted)).append("\n");
    for (var phase : List.of(equal, weighted)) {
      body.append(LatencyReport.phaseLine(phase.label(), phase.outcome(), phase.logs()));
    }
    body.append(images);
    body.append("\n").append(Markdown.image("grants per second by tenant, 3:1", grantsChart));
    reports.add(
        new ScenarioReport(
            "fairness",
            "Fairness: tenants sharing one slot pool",
            body.toString(),
            figures(equal, weighted),
            equal.results() + weighted.results(),
            null));
    return reports;
  }

  /**
   * Runs one phase: the equal one submits at both tenants' rates for the duration; the weighted one
   * keeps each tenant's tasks in flight for the duration. Then waits for every result.
   */
  private static Phase phase(BenchRun bench, String key, String label, Duration duration)
      throws Exception {
    var algorithm = bench.algorithm(key);
    var ids = Collections.synchronizedList(new ArrayList<String>());
    var start = new AtomicReference<Instant>();
    var measured =
        bench.measure(
            key,
            LATENCY_MS,
            window -> {
              start.set(Instant.now());
              if (key.equals(EQUAL)) {
                openLoop(bench, key, algorithm, duration, ids);
              } else {
                closedLoop(bench, key, algorithm, duration, ids);
              }
              if (!bench.load.awaitAll(ids, DRAIN)) {
                BenchRun.log(
                    label + ": only " + bench.load.resultsAmong(ids) + " of " + ids.size());
              }
              return new ScenarioReport(
                  key, null, "", List.of(), bench.load.resultsAmong(ids), null);
            });
    var tasks = bench.records.tasksOf(algorithm);
    var results = bench.load.resultsAmong(ids);
    var repeats = bench.load.repeatsAmong(ids);
    return new Phase(
        label,
        bench.records.grantsOf(algorithm),
        start.get(),
        results,
        LatencyReport.clean(tasks, ids.size(), results, repeats),
        LatencyReport.outcome(tasks, ids.size(), results, repeats).trim(),
        measured.usage(),
        measured.body().trim());
  }

  /** Each tenant submits at its own steady rate, whatever becomes of its tasks. */
  private static void openLoop(
      BenchRun bench, String key, String algorithm, Duration duration, List<String> ids)
      throws InterruptedException {
    var rates = new LinkedHashMap<String, Double>();
    rates.put(NOISY, NOISY_PER_SECOND);
    rates.put(QUIET, QUIET_PER_SECOND);
    var sent = new TreeMap<String, Integer>();
    var t0 = System.nanoTime();
    var end = t0 + duration.toNanos();
    while (System.nanoTime() < end) {
      var elapsed = (System.nanoTime() - t0) / 1e9;
      for (var rate : rates.entrySet()) {
        var tenant = rate.getKey();
        // every task due by now: the n-th at n / rate seconds
        while (sent.getOrDefault(tenant, 0) <= elapsed * rate.getValue()) {
          var id = bench.taskId(key + "-" + tenant, sent.merge(tenant, 1, Integer::sum) - 1);
          ids.add(id);
          bench.load.submit(id, algorithm, tenant);
        }
      }
      Thread.sleep(5);
    }
  }

  /** Each tenant keeps its tasks in flight, a new one submitted as each result is seen. */
  private static void closedLoop(
      BenchRun bench, String key, String algorithm, Duration duration, List<String> ids)
      throws InterruptedException {
    var inFlight = new LinkedHashMap<String, Semaphore>();
    for (var tenant : List.of(NOISY, QUIET)) {
      inFlight.put(tenant, new Semaphore(IN_FLIGHT_PER_TENANT));
    }
    var prefix = bench.run + "-" + key + "-";
    bench.load.onFirstResult(
        id -> {
          if (id.startsWith(prefix)) {
            var tenant = id.substring(prefix.length(), id.lastIndexOf('-'));
            var permits = inFlight.get(tenant);
            if (permits != null) {
              permits.release();
            }
          }
        });
    var sent = new TreeMap<String, Integer>();
    var end = System.nanoTime() + duration.toNanos();
    try {
      while (System.nanoTime() < end) {
        var submitted = false;
        for (var tenant : inFlight.entrySet()) {
          if (tenant.getValue().tryAcquire()) {
            var name = tenant.getKey();
            var id = bench.taskId(key + "-" + name, sent.merge(name, 1, Integer::sum) - 1);
            ids.add(id);
            bench.load.submit(id, algorithm, name);
            submitted = true;
          }
        }
        if (!submitted) {
          Thread.sleep(5);
        }
      }
    } finally {
      bench.load.onFirstResult(id -> {});
    }
  }

  // ---- the calculations

  /** Submitted to first started, in milliseconds, of each task that started. */
  static double waitMillis(Records.Grant grant) {
    return Timelines.millisBetween(grant.submittedAt(), grant.startedAt());
  }

  /** Each tenant's queue waits (submitted to first started), in milliseconds. */
  static Map<String, LatencySummary> waitsByTenant(List<Records.Grant> grants) {
    var waits = new TreeMap<String, List<Double>>();
    for (var grant : grants) {
      if (grant.startedAt() != null && grant.submittedAt() != null) {
        waits.computeIfAbsent(grant.tenant(), t -> new ArrayList<>()).add(waitMillis(grant));
      }
    }
    var summaries = new TreeMap<String, LatencySummary>();
    waits.forEach((tenant, millis) -> summaries.put(tenant, LatencySummary.of(millis)));
    return summaries;
  }

  /**
   * The grants made while every tenant had a task waiting, counted by tenant: a grant at time t
   * counts when each other tenant had a task submitted before t that started after t. Only then do
   * the weights decide the split.
   */
  static Map<String, Long> backloggedSplit(List<Records.Grant> grants) {
    var started = grants.stream().filter(g -> g.startedAt() != null).toList();
    var tenants = new java.util.TreeSet<String>();
    grants.forEach(g -> tenants.add(g.tenant()));
    var split = new TreeMap<String, Long>();
    tenants.forEach(t -> split.put(t, 0L));
    for (var grant : started) {
      var at = grant.startedAt();
      var allWaiting =
          tenants.stream()
              .filter(t -> !t.equals(grant.tenant()))
              .allMatch(other -> waiting(grants, other, at));
      if (allWaiting) {
        split.merge(grant.tenant(), 1L, Long::sum);
      }
    }
    return split;
  }

  /** Whether the tenant had a task submitted before the moment that had not started by it. */
  private static boolean waiting(List<Records.Grant> grants, String tenant, Instant at) {
    return grants.stream()
        .anyMatch(
            g ->
                g.tenant().equals(tenant)
                    && g.submittedAt().isBefore(at)
                    && (g.startedAt() == null || g.startedAt().isAfter(at)));
  }

  /** The tenant's share of the grants counted, 0 to 1; null when none was counted. */
  static Double share(Map<String, Long> split, String tenant) {
    var total = split.values().stream().mapToLong(Long::longValue).sum();
    return total == 0 ? null : split.getOrDefault(tenant, 0L) / (double) total;
  }

  /** The share the weights entitle the tenant to beside the weighted ones; absent, it weighs 1. */
  static double entitled(Map<String, Integer> weights, String tenant) {
    var total = weights.values().stream().mapToInt(Integer::intValue).sum();
    var own = weights.get(tenant);
    return own == null ? 1.0 / (total + 1) : own / (double) total;
  }

  /**
   * How far a share is from its entitlement, in percentage points either way, to a hundredth (so
   * that 70 % is 5 points off 75 %, not a rounding error more).
   */
  static Double deviationPoints(Double share, double entitled) {
    return share == null ? null : Math.round(Math.abs(share - entitled) * 10_000) / 100.0;
  }

  /** Each tenant's queue wait in seconds against its submit, seconds since the phase's start. */
  static Map<String, List<double[]>> waitsOverTime(List<Records.Grant> grants, Instant start) {
    var points = new TreeMap<String, List<double[]>>();
    for (var grant : grants) {
      if (grant.startedAt() != null && grant.submittedAt() != null) {
        points
            .computeIfAbsent(grant.tenant(), t -> new ArrayList<>())
            .add(
                new double[] {
                  Timelines.millisBetween(start, grant.submittedAt()) / 1000,
                  waitMillis(grant) / 1000
                });
      }
    }
    return points;
  }

  /** Slots granted to each tenant in each whole second since the phase's start. */
  static Map<String, List<double[]>> grantsPerSecond(List<Records.Grant> grants, Instant start) {
    var counts = new TreeMap<String, TreeMap<Integer, Integer>>();
    var last = 0;
    for (var grant : grants) {
      if (grant.startedAt() != null) {
        var second = (int) Math.floor(Timelines.millisBetween(start, grant.startedAt()) / 1000);
        counts.computeIfAbsent(grant.tenant(), t -> new TreeMap<>()).merge(second, 1, Integer::sum);
        last = Math.max(last, second);
      }
    }
    var lines = new TreeMap<String, List<double[]>>();
    for (var tenant : counts.entrySet()) {
      var line = new ArrayList<double[]>();
      for (int s = 0; s <= last; s++) {
        line.add(new double[] {s, tenant.getValue().getOrDefault(s, 0)});
      }
      lines.put(tenant.getKey(), line);
    }
    return lines;
  }

  // ---- the report

  private static String describe(Duration duration) {
    return String.format(
        "One algorithm, limit %d, on the sample service at %d ms per task: the pool serves %.0f"
            + " tasks per second. Equal weights: tenant `%s` submits %.1f tasks per second and"
            + " `%s` %.1f, for %d s, together more than the pool serves. Weights %s 3 : %s 1 (an"
            + " algorithm of their own): each tenant keeps %d tasks in flight for %d s, so both"
            + " always wait. Queue wait is from the task's intake recorded to its first start"
            + " (slot granted), from the records; the split counts the grants (first starts)"
            + " made while both tenants had a task waiting.%n%n",
        LIMIT,
        LATENCY_MS,
        LIMIT * 1000.0 / LATENCY_MS,
        NOISY,
        NOISY_PER_SECOND,
        QUIET,
        QUIET_PER_SECOND,
        duration.toSeconds(),
        NOISY,
        QUIET,
        IN_FLIGHT_PER_TENANT,
        duration.toSeconds());
  }

  /** The phases side by side: each tenant's waits and grants. */
  static String table(Phase equal, Phase weighted) {
    var phases = List.of(equal, weighted);
    var rows = new ArrayList<List<String>>();
    for (var tenant : List.of(QUIET, NOISY)) {
      rows.add(
          Markdown.row(
              tenant + ": queue wait p50 / p99 ms",
              phases,
              p -> waitsByTenant(p.grants()).getOrDefault(tenant, LatencySummary.EMPTY).p50p99()));
      rows.add(
          Markdown.row(
              tenant + ": tasks started (while both waited)",
              phases,
              p ->
                  p.grants().stream()
                          .filter(g -> g.tenant().equals(tenant) && g.startedAt() != null)
                          .count()
                      + " ("
                      + backloggedSplit(p.grants()).getOrDefault(tenant, 0L)
                      + ")"));
    }
    rows.add(
        Markdown.row(
            NOISY + "'s share of the grants while both waited (entitled)",
            phases,
            p -> {
              var share = share(backloggedSplit(p.grants()), NOISY);
              var entitled = p == weighted ? entitled(WEIGHTS, NOISY) : 0.5;
              return (share == null ? "-" : Markdown.num(share * 100, 1) + " %")
                  + " ("
                  + Markdown.num(entitled * 100, 0)
                  + " %)";
            }));
    return Markdown.table(Markdown.row("figure", phases, Phase::label), rows);
  }

  /** The summary's lines. */
  static List<Figure> figures(Phase equal, Phase weighted) {
    var figures = new ArrayList<Figure>();
    var waits = waitsByTenant(equal.grants());
    for (var tenant : List.of(QUIET, NOISY)) {
      figures.addAll(
          LatencyReport.percentiles(
              "fairness",
              "equal weights: " + tenant + "'s queue wait",
              waits.getOrDefault(tenant, LatencySummary.EMPTY),
              null,
              null));
    }
    var share = share(backloggedSplit(weighted.grants()), NOISY);
    figures.add(
        Figure.of(
            "fairness",
            "weights 3:1: the weight-3 tenant's share of the grants",
            share == null ? null : share * 100,
            Figure.PERCENT));
    figures.add(
        Figure.against(
            "fairness",
            "weights 3:1: that share off its 75 %",
            deviationPoints(share, entitled(WEIGHTS, NOISY)),
            Figure.PERCENTAGE_POINTS,
            Targets.WEIGHTED_SPLIT_DEVIATION));
    var clean = equal.clean() && weighted.clean();
    figures.add(
        Figure.text(
            "fairness",
            "every task succeeded, one result each",
            clean ? "yes" : "no",
            "every task once",
            clean && equal.results() > 0 && weighted.results() > 0));
    return figures;
  }
}
