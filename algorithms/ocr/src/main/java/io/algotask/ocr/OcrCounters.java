package io.algotask.ocr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.node.ObjectNode;

/** What the service has done since it started, shown by {@code GET /health}. */
final class OcrCounters {
  private static final Path PROC_SELF_STAT = Path.of("/proc/self/stat");
  // Linux reports times in USER_HZ ticks, 100 a second on every architecture the JDK runs on
  private static final long MILLIS_PER_TICK = 10;

  /** Invocations taken in as new jobs (not the resends of a running one). */
  final LongAdder accepted = new LongAdder();

  /** Invocations answered 429. */
  final LongAdder busy = new LongAdder();

  /** Jobs called back {@code SUCCEEDED}. */
  final LongAdder succeeded = new LongAdder();

  /** Jobs called back {@code FAILED}. */
  final LongAdder failed = new LongAdder();

  /** Jobs stopped without a callback: cancelled, answered 409, or past their deadline. */
  final LongAdder cancelled = new LongAdder();

  /** Pages recognised. */
  final LongAdder pages = new LongAdder();

  private final long childCpuTicksAtStart = childCpuTicks();

  /** Adds the counts to {@code health}. */
  void writeTo(ObjectNode health) {
    health.put("accepted", accepted.sum());
    health.put("busy", busy.sum());
    health.put("succeeded", succeeded.sum());
    health.put("failed", failed.sum());
    health.put("cancelled", cancelled.sum());
    health.put("pages", pages.sum());
    long ticks = childCpuTicks();
    if (ticks >= 0 && childCpuTicksAtStart >= 0) {
      health.put("cpuMillis", (ticks - childCpuTicksAtStart) * MILLIS_PER_TICK);
    }
  }

  /**
   * The CPU time (user and system) of this JVM's finished child processes, in ticks, or -1 where
   * there is no {@code /proc} (off Linux). A program's own CPU time cannot be read once it has
   * ended, and it is not over until it ends; but the kernel adds each child's total to its parent's
   * {@code cutime} and {@code cstime} when the parent reaps it, which the JDK does as soon as the
   * child exits, before {@code waitFor} returns. So every program run, whether it finished or was
   * destroyed, is counted whole, once. Only the programs are children of this service, so the sum
   * is theirs.
   */
  static long childCpuTicks() {
    try {
      String stat = Files.readString(PROC_SELF_STAT);
      // the fields after the command's name, which is in parentheses and may hold spaces
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[13]) + Long.parseLong(fields[14]); // fields 16 and 17
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
