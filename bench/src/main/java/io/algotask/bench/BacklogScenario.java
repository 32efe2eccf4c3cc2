package io.algotask.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Tasks queued at once on a limit of 8 (10,000 alone, 1,000 in a whole run, {@code
 * --backlog-tasks=N}), instant algorithm: how long the backlog takes to drain, whether it drains
 * cleanly, and whether any process's memory grows with its size.
 */
final class BacklogScenario {
  /**
   * A process "grows with the backlog" when its fitted growth over the whole backlog exceeds this.
   */
  static final double GROWTH_TOLERANCE_MIB = 64;

  private BacklogScenario() {}

  /** The queue's depth at one moment, from the records. */
  record Depth(long epochMillis, long waiting, long running, long done) {}

  static ScenarioReport run(BenchRun bench) throws Exception {
    var count = bench.settings.backlogTasks();
    var algorithm = bench.algorithm("backlog");
    var limit = BenchRun.LIMITS.get("backlog");
    return bench.measure(
        "backlog",
        0,
        window -> {
          var depths = Collections.synchronizedList(new ArrayList<Depth>());
          var poller = Executors.newSingleThreadScheduledExecutor();
          poller.scheduleAtFixedRate(
              () -> {
                try {
                  depths.add(depth(bench.records.statusCounts(algorithm)));
                } catch (Exception e) {
                  // one reading lost
                }
              },
              0,
              1,
              TimeUnit.SECONDS);
          var ids = new ArrayList<String>();
          for (int i = 0; i < count; i++) {
            ids.add(bench.taskId("backlog", i));
          }
          var heap =
              HeapSampler.start(
                  bench.apps(),
                  () -> depth(bench.records.statusCounts(algorithm)).waiting(),
                  bench.settings.heapInterval());
          var firstSubmit = Instant.now();
          Instant allSent;
          boolean drained;
          try {
            for (int i = 0; i < ids.size(); i += 1_000) {
              bench.load.submitAll(ids.subList(i, Math.min(ids.size(), i + 1_000)), algorithm);
            }
            allSent = Instant.now();
            drained = bench.load.awaitAll(ids, bench.settings.backlogTimeout());
          } finally {
            // a failed scenario leaves the apps uncollected for the next one
            heap.close();
            poller.shutdown();
          }
          poller.awaitTermination(5, TimeUnit.SECONDS);
          var heapSamples = heap.samples();
          var heapGrowth = HeapSampler.growthPerApp(heapSamples);
          var end = Instant.now();

          var tasks = bench.records.tasksOf(algorithm);
          var timelines = bench.timelines(tasks, "backlog");
          var results = bench.load.resultsAmong(ids);
          var repeats = bench.load.repeatsAmong(ids);
          var lastResult = bench.load.lastResultAmong(ids).orElse(end);
          var drainSeconds = Duration.between(firstSubmit, lastResult).toMillis() / 1000.0;
          var allRecorded =
              tasks.stream()
                  .map(Records.TaskTimes::submittedAt)
                  .max(Instant::compareTo)
                  .orElse(end);
          var intakeSeconds = Duration.between(firstSubmit, allRecorded).toMillis() / 1000.0;
          var stats = bench.sampleStats("backlog");
          var peakRunning = stats.path("peakRunning").asInt();
          var clean = drained && LatencyReport.clean(tasks, count, results, repeats);
          var peakWaiting = depths.stream().mapToLong(Depth::waiting).max().orElse(0);

          // memory against the queue's depth
          List<Depth> depthSeries;
          synchronized (depths) {
            depthSeries = List.copyOf(depths);
          }
          var memory = bench.sampler.series(firstSubmit.toEpochMilli(), end.toEpochMilli());
          var growth = growthPerProcess(memory, depthSeries);
          var growing =
              growth.entrySet().stream()
                  .filter(e -> e.getValue() * peakWaiting / 1000.0 > GROWTH_TOLERANCE_MIB)
                  .map(Map.Entry::getKey)
                  .toList();

          var t0 = firstSubmit.toEpochMilli();
          var drain = new LinkedHashMap<String, List<double[]>>();
          drain.put("waiting (accepted or queued)", new ArrayList<>());
          drain.put("running", new ArrayList<>());
          drain.put("done", new ArrayList<>());
          for (var d : depthSeries) {
            var s = (d.epochMillis() - t0) / 1000.0;
            drain.get("waiting (accepted or queued)").add(new double[] {s, d.waiting()});
            drain.get("running").add(new double[] {s, d.running()});
            drain.get("done").add(new double[] {s, d.done()});
          }
          var drainChart = "backlog-drain.png";
          Charts.lines(
              bench.reportDir.resolve(drainChart),
              String.format("Backlog: %,d tasks at once, limit %d", count, limit),
              "seconds since the first submit",
              "tasks",
              drain);
          var memoryChart = "backlog-memory.png";
          var memoryLines = new LinkedHashMap<String, List<double[]>>();
          for (var point : memory) {
            for (var process : point.memoryKib().entrySet()) {
              memoryLines
                  .computeIfAbsent(process.getKey(), k -> new ArrayList<>())
                  .add(
                      new double[] {
                        (point.epochMillis() - t0) / 1000.0, process.getValue() / 1024.0
                      });
            }
          }
          Charts.lines(
              bench.reportDir.resolve(memoryChart),
              "Backlog: memory of each process (RSS; PostgreSQL: PSS of all its processes)",
              "seconds since the first submit",
              "MiB",
              memoryLines);

          var heapChart = "backlog-heap.png";
          Charts.points(
              bench.reportDir.resolve(heapChart),
              "Backlog: heap after a full collection against the tasks waiting",
              "tasks waiting (accepted or queued)",
              "MiB of heap in use after the collection",
              HeapSampler.points(heapSamples));

          var body = new StringBuilder();
          body.append(
              String.format(
                  "%,d tasks sent to Kafka at once (in batches of 1,000), limit %d, instant"
                      + " algorithm.%n%n",
                  count, limit));
          var rows = new ArrayList<List<String>>();
          rows.add(
              List.of(
                  "first submit to last result (drain)",
                  drained ? Markdown.num(drainSeconds, 1) + " s" : "not drained"));
          rows.add(
              List.of("tasks per second over the drain", Markdown.num(results / drainSeconds, 1)));
          rows.add(
              List.of(
                  "all sent to Kafka after",
                  Markdown.num(Duration.between(firstSubmit, allSent).toMillis() / 1000.0, 1)
                      + " s"));
          rows.add(
              List.of("all recorded by the intake after", Markdown.num(intakeSeconds, 1) + " s"));
          rows.add(List.of("most tasks waiting at once", Long.toString(peakWaiting)));
          rows.add(
              List.of("peak running at the algorithm", peakRunning + " (limit " + limit + ")"));
          rows.add(List.of("results seen / repeated", results + " / " + repeats));
          body.append(Markdown.table(List.of("figure", "value"), rows)).append("\n");
          body.append(LatencyReport.outcome(tasks, count, results, repeats)).append("\n");
          body.append(
              "Memory against the queue's depth: least-squares slope of each process's memory over"
                  + " the number of tasks waiting while the queue fills, up to its deepest (MiB per"
                  + " 1,000 waiting tasks; the heaps that runtimes grow are not given back as it"
                  + " drains, so the drain says nothing), and that slope times the deepest queue."
                  + " Each process's memory over the whole run is plotted below. A process counts"
                  + " as growing with the backlog above "
                  + (int) GROWTH_TOLERANCE_MIB
                  + " MiB.\n\n");
          var growthRows = new ArrayList<List<String>>();
          for (var e : growth.entrySet()) {
            var first =
                memory.stream()
                    .map(p -> p.memoryKib().get(e.getKey()))
                    .filter(v -> v != null)
                    .findFirst()
                    .orElse(0L);
            var peak =
                memory.stream()
                    .map(p -> p.memoryKib().get(e.getKey()))
                    .filter(v -> v != null)
                    .max(Long::compare)
                    .orElse(0L);
            growthRows.add(
                List.of(
                    e.getKey(),
                    Markdown.num(first / 1024.0, 0),
                    Markdown.num(peak / 1024.0, 0),
                    Markdown.num(e.getValue(), 2),
                    Markdown.num(e.getValue() * peakWaiting / 1000.0, 1)));
          }
          body.append(
                  Markdown.table(
                      List.of(
                          "process",
                          "MiB at the first submit",
                          "peak MiB",
                          "MiB per 1,000 waiting",
                          "fitted growth at the deepest (MiB)"),
                      growthRows))
              .append("\n");
          body.append(Markdown.image("backlog drain", drainChart)).append("\n");
          body.append(Markdown.image("backlog memory", memoryChart)).append("\n");
          body.append(heapSection(heapSamples, heapGrowth, heap.failure(), bench.settings));
          body.append("\n").append(Markdown.image("backlog heap after collection", heapChart));
          body.append("\nEach task step by step:\n\n").append(LatencyReport.steps(timelines));
          var clean2 = clean && peakRunning <= limit;
          return new ScenarioReport(
              "backlog",
              String.format(
                  Locale.ROOT, "Backlog: %,d tasks at once on a limit of %d", count, limit),
              body.toString(),
              figures(count, drained, drainSeconds, results, clean2, heapGrowth, growing),
              results,
              null);
        });
  }

  /** The summary's figures of the backlog. */
  static List<Figure> figures(
      int count,
      boolean drained,
      double drainSeconds,
      long results,
      boolean clean,
      Map<String, Double> heapGrowth,
      List<String> growing) {
    var figures = new ArrayList<Figure>();
    figures.add(
        new Figure(
            "backlog",
            String.format(Locale.ROOT, "%,d tasks drained in", count),
            drained ? drainSeconds : null,
            Figure.SECONDS,
            drained ? null : "not drained",
            "no errors",
            clean));
    figures.add(
        Figure.of(
            "backlog",
            "tasks per second over the drain",
            drainSeconds > 0 ? results / drainSeconds : null,
            Figure.PER_SECOND));
    for (var app : List.of("worker-app", "api-app")) {
      var name = app + " heap after GC per 1,000 waiting";
      var growth = heapGrowth.get(app);
      figures.add(
          app.equals("worker-app")
              ? Figure.against(
                  "backlog", name, growth, Figure.MIB_PER_1000_WAITING, Targets.BACKLOG_HEAP_GROWTH)
              : Figure.of("backlog", name, growth, Figure.MIB_PER_1000_WAITING));
    }
    figures.add(
        Figure.text(
            "backlog",
            "resident memory growing with the backlog",
            growing.isEmpty() ? "none" : String.join(", ", growing),
            "none",
            growing.isEmpty()));
    return figures;
  }

  /** What the heap readings found: the fit per app, with its first, least and most reading. */
  static String heapSection(
      List<HeapSampler.Sample> samples,
      Map<String, Double> growth,
      String failure,
      BenchSettings settings) {
    var out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Heap after a full collection: every %d s while the backlog ran, each app was made to"
                + " collect its garbage (as `jcmd <pid> GC.run` does), then its heap in use was"
                + " read from its Prometheus page (`jvm_memory_used_bytes{area=\"heap\"}`, summed"
                + " over the pools), beside the tasks waiting at that moment: what is left after a"
                + " collection is what the app holds on to, so it should fall again as the queue"
                + " drains, and every reading counts. The least-squares slope of each app's heap"
                + " over the tasks waiting, in MiB per 1,000 waiting tasks, from %d readings (the"
                + " collections pause each app briefly and cost it some CPU).%n%n",
            settings.heapInterval().toSeconds(),
            samples.size()));
    if (failure != null) {
      out.append("A reading failed: ").append(failure).append(".\n\n");
    }
    var rows = new ArrayList<List<String>>();
    for (var app : growth.keySet()) {
      var values = samples.stream().map(s -> s.heapMib().get(app)).filter(v -> v != null).toList();
      rows.add(
          List.of(
              app,
              Markdown.num(values.get(0), 0),
              Markdown.num(values.stream().mapToDouble(Double::doubleValue).min().orElse(0), 0),
              Markdown.num(values.stream().mapToDouble(Double::doubleValue).max().orElse(0), 0),
              Markdown.num(growth.get(app), 2)));
    }
    out.append(
        Markdown.table(
            List.of("app", "first MiB", "least MiB", "most MiB", "MiB per 1,000 waiting"), rows));
    return out.toString();
  }

  static Depth depth(Map<String, Long> counts) {
    long waiting = counts.getOrDefault("ACCEPTED", 0L) + counts.getOrDefault("QUEUED", 0L);
    long running = counts.getOrDefault("RUNNING", 0L);
    long done = counts.values().stream().mapToLong(Long::longValue).sum() - waiting - running;
    return new Depth(System.currentTimeMillis(), waiting, running, done);
  }

  /**
   * Per process, the least-squares slope of memory (MiB) over tasks waiting, per 1,000 waiting,
   * while the queue fills (up to its deepest reading); each memory sample is paired with the latest
   * depth reading at or before it.
   */
  static Map<String, Double> growthPerProcess(
      List<ResourceSampler.Point> memory, List<Depth> allDepths) {
    // only while the queue fills: runtimes keep the heap they grew, so a draining queue says
    // nothing
    var deepest = 0;
    for (int i = 1; i < allDepths.size(); i++) {
      if (allDepths.get(i).waiting() > allDepths.get(deepest).waiting()) {
        deepest = i;
      }
    }
    var depths = allDepths.isEmpty() ? allDepths : allDepths.subList(0, deepest + 1);
    var until = depths.isEmpty() ? Long.MIN_VALUE : depths.get(depths.size() - 1).epochMillis();
    var pairs = new LinkedHashMap<String, List<double[]>>();
    int d = -1;
    for (var point : memory) {
      if (point.epochMillis() > until) {
        break;
      }
      while (d + 1 < depths.size() && depths.get(d + 1).epochMillis() <= point.epochMillis()) {
        d++;
      }
      if (d < 0) {
        continue;
      }
      var waiting = depths.get(d).waiting();
      for (var process : point.memoryKib().entrySet()) {
        pairs
            .computeIfAbsent(process.getKey(), k -> new ArrayList<>())
            .add(new double[] {waiting, process.getValue() / 1024.0});
      }
    }
    var slopes = new LinkedHashMap<String, Double>();
    pairs.forEach((process, xy) -> slopes.put(process, slope(xy) * 1000));
    return slopes;
  }

  /** Least-squares slope of y over x; 0 when x does not vary. */
  static double slope(List<double[]> xy) {
    var n = xy.size();
    if (n < 2) {
      return 0;
    }
    double sx = 0;
    double sy = 0;
    for (var p : xy) {
      sx += p[0];
      sy += p[1];
    }
    var mx = sx / n;
    var my = sy / n;
    double sxx = 0;
    double sxy = 0;
    for (var p : xy) {
      sxx += (p[0] - mx) * (p[0] - mx);
      sxy += (p[0] - mx) * (p[1] - my);
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }
}
