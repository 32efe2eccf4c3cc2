package io.algotask.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's ceiling: on the same Temporal dev server, a minimal workflow with one activity,
 * worker and starters in the bench's JVM (SDK defaults), started by several threads with a bounded
 * number in flight; completed workflows per second over the measured window.
 */
final class CeilingScenario {
  private static final int STARTERS = 4;

  private CeilingScenario() {}

  static ScenarioReport run(BenchRun bench) throws Exception {
    var settings = bench.settings;
    BenchRun.log("scenario ceiling");
    var service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(settings.temporal()).build());
    var client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
    var queue = bench.run + "-ceiling";
    var factory = WorkerFactory.newInstance(client);
    var worker = factory.newWorker(queue);
    worker.registerWorkflowImplementationTypes(CeilingWorkflowImpl.class);
    worker.registerActivitiesImplementations(new CeilingActivitiesImpl());
    factory.start();

    var inFlight = new Semaphore(settings.ceilingInFlight());
    var completions = new ConcurrentLinkedQueue<long[]>(); // {completed at, started at} in nanos
    var failures = new AtomicInteger();
    var started = new AtomicLong();
    var next = new AtomicInteger();
    var window = bench.sampler.begin("ceiling");
    var t0 = System.nanoTime();
    var measureFrom = t0 + settings.ceilingWarmUp().toNanos();
    var measureTo = measureFrom + settings.ceilingDuration().toNanos();
    var starters = new ArrayList<Thread>();
    for (int s = 0; s < STARTERS; s++) {
      var starter =
          new Thread(
              () -> {
                while (System.nanoTime() < measureTo) {
                  try {
                    if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                      continue;
                    }
                  } catch (InterruptedException e) {
                    return;
                  }
                  var n = next.getAndIncrement();
                  var stub =
                      client.newWorkflowStub(
                          CeilingWorkflow.class,
                          WorkflowOptions.newBuilder()
                              .setTaskQueue(queue)
                              .setWorkflowId(queue + "-" + n)
                              .build());
                  var begun = System.nanoTime();
                  try {
                    WorkflowClient.start(stub::run, n);
                    started.incrementAndGet();
                  } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    inFlight.release();
                    continue;
                  }
                  WorkflowStub.fromTyped(stub)
                      .getResultAsync(Integer.class)
                      .whenComplete(
                          (result, error) -> {
                            if (error == null) {
                              completions.add(new long[] {System.nanoTime(), begun});
                            } else {
                              failures.incrementAndGet();
                            }
                            inFlight.release();
                          });
                }
              },
              "ceiling-starter-" + s);
      starter.start();
      starters.add(starter);
    }
    for (var starter : starters) {
      starter.join();
    }
    // the last ones in flight finish, unmeasured
    inFlight.tryAcquire(settings.ceilingInFlight(), 60, TimeUnit.SECONDS);
    var usage = bench.sampler.end(window);
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
    service.shutdown();

    var measured =
        completions.stream().filter(c -> c[0] >= measureFrom && c[0] < measureTo).toList();
    var seconds = settings.ceilingDuration().toMillis() / 1000.0;
    var rate = measured.size() / seconds;
    bench.ceilingPerSecond = rate;
    var latencies = new ArrayList<Double>();
    measured.forEach(c -> latencies.add((c[0] - c[1]) / 1e6));
    var perSecond = perSecond(completions, t0);

    var chart = "ceiling-throughput.png";
    Charts.lines(
        bench.reportDir.resolve(chart),
        "Ceiling: minimal workflows completed per second",
        "seconds since start",
        "workflows completed per second",
        Map.of("completed per second", perSecond));
    var latency = LatencySummary.of(latencies);
    var body = new StringBuilder();
    body.append(
        String.format(
            "A workflow with one activity (`BenchCeilingWorkflow`), worker and %d starter threads in"
                + " the bench's JVM with the SDK's default worker options, at most %d workflows in"
                + " flight, on the run's own task queue of the same dev server. Warm-up %d s, then"
                + " %d s measured.%n%n",
            STARTERS,
            settings.ceilingInFlight(),
            settings.ceilingWarmUp().toSeconds(),
            settings.ceilingDuration().toSeconds()));
    body.append(
        Markdown.table(
            List.of("figure", "value"),
            List.of(
                List.of("workflows completed per second", Markdown.num(rate, 1)),
                List.of("completed in the window", Integer.toString(measured.size())),
                List.of("started in all", Long.toString(started.get())),
                List.of("failures", Integer.toString(failures.get())),
                List.of(
                    "start to completion (ms) p50 / p99 / max",
                    LatencySummary.ms(latency.p50())
                        + " / "
                        + LatencySummary.ms(latency.p99())
                        + " / "
                        + LatencySummary.ms(latency.max())))));
    body.append("\n").append(Markdown.image("ceiling throughput", chart));
    var report =
        new ScenarioReport(
            "ceiling",
            "Ceiling: the dev server's minimal workflows",
            body.toString(),
            List.of(),
            completions.size(),
            usage);
    bench.ceilingEngineCpuMs = Targets.engineCpuMsPerTask(report);
    return report.withMoreFigures(
        List.of(
            Figure.of("ceiling", "minimal workflows per second", rate, "workflows/s"),
            Figure.of("ceiling", "engine CPU per workflow", bench.ceilingEngineCpuMs, "CPU ms")));
  }

  /** Completions per whole second since the start: {second, count}. */
  static List<double[]> perSecond(Iterable<long[]> completions, long t0) {
    var counts = new java.util.TreeMap<Integer, Integer>();
    for (var c : completions) {
      counts.merge((int) ((c[0] - t0) / 1_000_000_000L), 1, Integer::sum);
    }
    var points = new ArrayList<double[]>();
    if (counts.isEmpty()) {
      return points;
    }
    for (int s = 0; s <= counts.lastKey(); s++) {
      points.add(new double[] {s, counts.getOrDefault(s, 0)});
    }
    return points;
  }
}
