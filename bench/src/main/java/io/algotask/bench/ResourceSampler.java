package io.algotask.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows the CPU time and memory of the tracked processes: CPU as the difference of /proc counters
 * between the begin and the end of a window (a scenario), memory as the peak of samples taken every
 * {@code intervalMillis} during it (VmHWM would be the peak since the process started, across
 * scenarios).
 */
final class ResourceSampler implements AutoCloseable {
  /** Memory of every process at one moment, in KiB. */
  record Point(long epochMillis, Map<String, Long> memoryKib) {}

  /**
   * One process's share of a window.
   *
   * @param compilerSeconds of the CPU seconds, those of a JVM's JIT compiler threads
   */
  record ProcessUsage(
      String name, double cpuSeconds, double compilerSeconds, long peakKib, int processes) {
    ProcessUsage(String name, double cpuSeconds, long peakKib, int processes) {
      this(name, cpuSeconds, 0, peakKib, processes);
    }
  }

  /** What a window measured. */
  record Measured(
      String name,
      long startMillis,
      long endMillis,
      List<ProcessUsage> processes,
      double machineBusySeconds,
      int cpus) {
    double wallSeconds() {
      return (endMillis - startMillis) / 1000.0;
    }

    double trackedCpuSeconds() {
      return processes.stream().mapToDouble(ProcessUsage::cpuSeconds).sum();
    }

    /** The named process's share, or null when it was not tracked in this window. */
    ProcessUsage process(String name) {
      return processes.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    /** The processes of several windows, each once, in the order they were first tracked. */
    static List<String> processNames(List<Measured> windows) {
      var names = new LinkedHashSet<String>();
      windows.forEach(w -> w.processes().forEach(p -> names.add(p.name())));
      return new ArrayList<>(names);
    }
  }

  /** An open window. */
  final class Window {
    private final String name;
    private final long startMillis = System.currentTimeMillis();
    private final Map<String, TrackedProcess.Usage> start = new LinkedHashMap<>();
    private final Map<String, Long> peakKib = new ConcurrentHashMap<>();
    private final Map<String, Integer> processCount = new ConcurrentHashMap<>();
    private final ProcFiles.MachineCpu machineStart;

    private Window(String name) throws IOException {
      this.name = name;
      this.machineStart = ProcFiles.machineCpu();
      for (var process : processes) {
        var usage = process.read(true);
        if (usage != null) {
          start.put(process.name(), usage);
          observe(process.name(), usage);
        }
      }
    }

    private void observe(String process, TrackedProcess.Usage usage) {
      peakKib.merge(process, usage.memoryKib(), Math::max);
      processCount.merge(process, usage.processes(), Math::max);
    }
  }

  private final List<TrackedProcess> processes = new CopyOnWriteArrayList<>();
  private final List<Window> open = new CopyOnWriteArrayList<>();
  private final List<Point> series = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Long> lastMemoryKib = new ConcurrentHashMap<>();
  private long ticks;
  private final ScheduledExecutorService timer;
  private final long ticksPerSecond = ProcFiles.clockTicksPerSecond();
  private final int cpus = Runtime.getRuntime().availableProcessors();

  ResourceSampler(long intervalMillis) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              var thread = new Thread(runnable, "resource-sampler");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleAtFixedRate(this::sample, 0, intervalMillis, TimeUnit.MILLISECONDS);
  }

  void track(TrackedProcess process) {
    processes.add(process);
  }

  List<String> names() {
    return processes.stream().map(TrackedProcess::name).toList();
  }

  Window begin(String name) throws IOException {
    var window = new Window(name);
    open.add(window);
    return window;
  }

  Measured end(Window window) throws IOException {
    open.remove(window);
    var machineEnd = ProcFiles.machineCpu();
    var usages = new ArrayList<ProcessUsage>();
    for (var process : processes) {
      var end = process.read(true);
      if (end != null) {
        window.observe(process.name(), end);
      }
      var begin = window.start.get(process.name());
      long ticks;
      long compilerTicks;
      if (end == null) {
        ticks = 0; // it no longer runs: its last counters are unknown
        compilerTicks = 0;
      } else if (begin == null || begin.pid() != end.pid()) {
        ticks = end.ticks(); // started during the window
        compilerTicks = end.compilerTicks();
      } else {
        ticks = end.ticks() - begin.ticks();
        // a compiler thread that ended meanwhile takes its ticks along: never below none
        compilerTicks = Math.max(0, end.compilerTicks() - begin.compilerTicks());
      }
      usages.add(
          new ProcessUsage(
              process.name(),
              ticks / (double) ticksPerSecond,
              Math.min(ticks, compilerTicks) / (double) ticksPerSecond,
              window.peakKib.getOrDefault(process.name(), 0L),
              window.processCount.getOrDefault(process.name(), 0)));
    }
    return new Measured(
        window.name,
        window.startMillis,
        System.currentTimeMillis(),
        usages,
        (machineEnd.busy() - window.machineStart.busy()) / (double) ticksPerSecond,
        cpus);
  }

  /** The memory samples taken between two moments. */
  List<Point> series(long fromMillis, long toMillis) {
    synchronized (series) {
      return series.stream()
          .filter(p -> p.epochMillis() >= fromMillis && p.epochMillis() <= toMillis)
          .toList();
    }
  }

  private void sample() {
    try {
      // a process with descendants costs a scan of /proc and a walk of each member's page tables
      // (smaps_rollup): it is read every fourth time only
      var everything = ticks++ % 4 == 0;
      var memory = new LinkedHashMap<String, Long>();
      for (var process : processes) {
        if (process.withDescendants() && !everything) {
          var last = lastMemoryKib.get(process.name());
          if (last != null) {
            memory.put(process.name(), last);
          }
          continue;
        }
        var usage = process.read();
        if (usage == null) {
          continue;
        }
        memory.put(process.name(), usage.memoryKib());
        lastMemoryKib.put(process.name(), usage.memoryKib());
        for (var window : open) {
          window.observe(process.name(), usage);
        }
      }
      series.add(new Point(System.currentTimeMillis(), memory));
    } catch (RuntimeException e) {
      // a sample lost is no reason to stop sampling
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
