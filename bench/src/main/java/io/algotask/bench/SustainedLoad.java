package io.algotask.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The throughput scenario's load: a fixed number of tasks in flight, a new one submitted as each
 * result is seen, over a warm-up and then a measured window; an instant algorithm. The scaling
 * scenario runs the same load once per phase.
 */
final class SustainedLoad {

  /**
   * What one run of the load found.
   *
   * @param ids every task submitted
   * @param wallStart when the first was submitted (epoch millis)
   * @param completedInWindow results seen in the measured window
   * @param perSecond those divided by the window's length
   * @param tasks the records of every task submitted
   * @param headline the headline latencies of the tasks submitted in the window
   * @param timelines their way through, step by step
   */
  record Outcome(
      List<String> ids,
      long wallStart,
      long completedInWindow,
      double perSecond,
      List<Records.TaskTimes> tasks,
      Map<String, List<Double>> headline,
      List<Timelines.Timeline> timelines) {}

  private SustainedLoad() {}

  /** Runs the load on the algorithm of the given key (a scenario, or a scaling phase). */
  static Outcome run(BenchRun bench, String key) throws Exception {
    var settings = bench.settings;
    var algorithm = bench.algorithm(key);
    var prefix = bench.run + "-" + key + "-";
    var inFlight = new Semaphore(settings.throughputInFlight());
    bench.load.onFirstResult(
        id -> {
          if (id.startsWith(prefix)) {
            inFlight.release();
          }
        });
    var ids = Collections.synchronizedList(new ArrayList<String>());
    var t0 = System.nanoTime();
    var wallStart = System.currentTimeMillis();
    var measureFrom = t0 + settings.throughputWarmUp().toNanos();
    var measureTo = measureFrom + settings.throughputDuration().toNanos();
    var wallFrom = wallStart + settings.throughputWarmUp().toMillis();
    var wallTo = wallFrom + settings.throughputDuration().toMillis();
    var submittedInWindow = new HashSet<String>();
    int n = 0;
    while (System.nanoTime() < measureTo) {
      if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      var id = bench.taskId(key, n++);
      ids.add(id);
      var now = System.nanoTime();
      if (now >= measureFrom && now < measureTo) {
        submittedInWindow.add(id);
      }
      bench.load.submit(id, algorithm);
    }
    bench.load.awaitAll(ids, Duration.ofMinutes(3));
    bench.load.onFirstResult(id -> {});

    var completedInWindow =
        ids.stream()
            .map(bench.load::result)
            .filter(r -> r != null)
            .filter(r -> r.at().toEpochMilli() >= wallFrom && r.at().toEpochMilli() < wallTo)
            .count();
    var seconds = settings.throughputDuration().toMillis() / 1000.0;

    var tasks = bench.records.tasksOf(algorithm);
    var timelines =
        bench.timelines(
            tasks.stream().filter(t -> submittedInWindow.contains(t.taskId())).toList(), key);
    return new Outcome(
        List.copyOf(ids),
        wallStart,
        completedInWindow,
        completedInWindow / seconds,
        tasks,
        Timelines.headline(timelines),
        timelines);
  }
}
