package io.algotask.bench;

import com.sun.tools.attach.VirtualMachine;
import io.algotask.demo.process.JavaProcess;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The apps' heap after a collection, beside the number of tasks waiting, every interval: each app
 * is made to collect its garbage (a full collection, as {@code jcmd <pid> GC.run} does, through the
 * JVM's attach mechanism and its platform MBean, without starting a JVM per reading), then its heap
 * in use is read from its Prometheus page ({@code jvm_memory_used_bytes{area="heap"}}, summed over
 * the pools): what is left is what the app holds on to.
 */
final class HeapSampler implements AutoCloseable {
  /** One reading: the tasks waiting, and each app's heap after its collection, in MiB. */
  record Sample(long epochMillis, long waiting, Map<String, Double> heapMib) {}

  /** The tasks waiting now. */
  interface Waiting {
    long now() throws Exception;
  }

  private static final String HEAP_USED = "jvm_memory_used_bytes{";

  private final List<JavaProcess> apps;
  private final Waiting waiting;
  private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  private final Map<Long, JMXConnector> connections = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private volatile String failure;

  private HeapSampler(List<JavaProcess> apps, Waiting waiting) {
    this.apps = List.copyOf(apps);
    this.waiting = waiting;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              var thread = new Thread(runnable, "heap-sampler");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Reads now, then every interval until closed. */
  static HeapSampler start(List<JavaProcess> apps, Waiting waiting, Duration interval) {
    var sampler = new HeapSampler(apps, waiting);
    sampler.timer.scheduleWithFixedDelay(
        sampler::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return sampler;
  }

  private void sample() {
    try {
      var tasks = waiting.now();
      var heap = new LinkedHashMap<String, Double>();
      for (var app : apps) {
        collect(app.pid());
        heap.put(app.name(), heapBytes(BenchRun.metrics(app)) / (1024.0 * 1024.0));
      }
      samples.add(new Sample(System.currentTimeMillis(), tasks, heap));
    } catch (Exception e) {
      failure = e.toString(); // this reading is lost; the next may do
    }
  }

  /** A full collection in the JVM of that pid. */
  void collect(long pid) throws Exception {
    var connection = connections.computeIfAbsent(pid, HeapSampler::connect);
    connection
        .getMBeanServerConnection()
        .invoke(new ObjectName(ManagementFactory.MEMORY_MXBEAN_NAME), "gc", null, null);
  }

  private static JMXConnector connect(long pid) {
    try {
      var vm = VirtualMachine.attach(Long.toString(pid));
      try {
        return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
      } finally {
        vm.detach();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot attach to the JVM of pid " + pid + ": " + e, e);
    }
  }

  /** The heap in use on a Prometheus page: {@code jvm_memory_used_bytes} of area heap, summed. */
  static double heapBytes(String page) {
    var sum = 0.0;
    var found = false;
    for (var line : page.split("\n")) {
      if (line.startsWith(HEAP_USED) && line.contains("area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    if (!found) {
      throw new IllegalStateException("no jvm_memory_used_bytes of the heap on the page");
    }
    return sum;
  }

  /** The readings so far. */
  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** The last reading's failure, or null. */
  String failure() {
    return failure;
  }

  /**
   * Per app, the least-squares slope of its heap after collection (MiB) over the tasks waiting, per
   * 1,000 waiting, over every reading.
   */
  static Map<String, Double> growthPerApp(List<Sample> samples) {
    var slopes = new LinkedHashMap<String, Double>();
    points(samples).forEach((app, xy) -> slopes.put(app, BacklogScenario.slope(xy) * 1000));
    return slopes;
  }

  /** Each app's readings as (tasks waiting, heap MiB) points: a series per app. */
  static Map<String, List<double[]>> points(List<Sample> samples) {
    var points = new LinkedHashMap<String, List<double[]>>();
    for (var sample : samples) {
      sample
          .heapMib()
          .forEach(
              (app, mib) ->
                  points
                      .computeIfAbsent(app, k -> new ArrayList<>())
                      .add(new double[] {sample.waiting(), mib}));
    }
    return points;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (var connection : connections.values()) {
      try {
        connection.close();
      } catch (Exception e) {
        // the app may be gone already
      }
    }
  }
}
