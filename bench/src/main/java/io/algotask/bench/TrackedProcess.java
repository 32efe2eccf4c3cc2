package io.algotask.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A process whose CPU time and memory the benchmark follows, by name. Its pid may change (an app
 * started later); a PostgreSQL-like server counts with all its descendants.
 *
 * @param pid the current pid, or -1 when it does not run
 * @param withDescendants whether its child processes count too (memory then as PSS, so that shared
 *     memory counts once)
 */
record TrackedProcess(String name, LongSupplier pid, boolean withDescendants) {

  /**
   * CPU time in clock ticks (of which {@code compilerTicks} in a JVM's JIT compiler threads) and
   * memory in KiB, read now; null when the process does not run.
   */
  record Usage(long pid, long ticks, long compilerTicks, long memoryKib, int processes) {}

  /** As {@link #read(boolean)}, without the compiler threads (cheap enough to sample often). */
  Usage read() {
    return read(false);
  }

  /**
   * @param withCompilerTicks whether to read the JIT compiler threads' CPU too (a read of every
   *     thread's stat: done at the edges of a window only)
   */
  Usage read(boolean withCompilerTicks) {
    var root = pid.getAsLong();
    if (root <= 0) {
      return null;
    }
    try {
      if (!withDescendants) {
        var stat = ProcFiles.stat(root);
        var rss = ProcFiles.kib(ProcFiles.status(root), "VmRSS").orElse(0);
        return new Usage(
            root, stat.ticks(), withCompilerTicks ? ProcFiles.compilerTicks(root) : 0, rss, 1);
      }
      var tree = descendants(root, allStats());
      long memory = 0;
      for (var member : tree) {
        var pss = ProcFiles.pssKib(member.pid());
        memory +=
            pss.isPresent()
                ? pss.getAsLong()
                : ProcFiles.kib(ProcFiles.status(member.pid()), "VmRSS").orElse(0);
      }
      return tree.isEmpty() ? null : new Usage(root, ticks(tree), 0, memory, tree.size());
    } catch (IOException | RuntimeException gone) {
      return null; // it exited between two reads
    }
  }

  /**
   * CPU ticks of a process tree: each member's own and those of its children it has waited for
   * ({@code cutime}, {@code cstime}). A child counts while it runs; once it has ended and been
   * waited for, its ticks are in its parent's figures instead, so none is counted twice or lost.
   */
  static long ticks(List<ProcFiles.Stat> tree) {
    return tree.stream().mapToLong(ProcFiles.Stat::ticks).sum();
  }

  /** The root and every process below it, from a snapshot of all processes. */
  static List<ProcFiles.Stat> descendants(long root, List<ProcFiles.Stat> all) {
    var children = new HashMap<Integer, List<ProcFiles.Stat>>();
    ProcFiles.Stat rootStat = null;
    for (var stat : all) {
      children.computeIfAbsent(stat.ppid(), k -> new ArrayList<>()).add(stat);
      if (stat.pid() == root) {
        rootStat = stat;
      }
    }
    var tree = new ArrayList<ProcFiles.Stat>();
    if (rootStat == null) {
      return tree;
    }
    tree.add(rootStat);
    for (int i = 0; i < tree.size(); i++) {
      tree.addAll(children.getOrDefault(tree.get(i).pid(), List.of()));
    }
    return tree;
  }

  private static List<ProcFiles.Stat> allStats() throws IOException {
    var stats = new ArrayList<ProcFiles.Stat>();
    try (var entries = Files.list(Path.of("/proc"))) {
      for (var entry : (Iterable<Path>) entries::iterator) {
        var name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          stats.add(ProcFiles.Stat.parse(Files.readString(entry.resolve("stat"))));
        } catch (IOException | RuntimeException gone) {
          // exited meanwhile
        }
      }
    }
    return stats;
  }

  /** The pid in a pid file (the stack's .stack/run/<service>.pid), or -1. */
  static long fromPidFile(Path file) {
    try {
      var text = Files.readString(file).trim();
      var pid = Long.parseLong(text.lines().findFirst().orElse("-1").trim());
      return Files.isDirectory(Path.of("/proc", Long.toString(pid))) ? pid : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
