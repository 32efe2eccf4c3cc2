package io.algotask.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Readers of Linux's /proc files: CPU time and memory of a process, and the machine's CPU. */
final class ProcFiles {
  private ProcFiles() {}

  /**
   * The fields of {@code /proc/<pid>/stat} that matter here, in clock ticks. The command name is in
   * parentheses and may itself hold spaces and parentheses: fields are counted after the last ')'.
   */
  record Stat(int pid, int ppid, String comm, long utime, long stime, long cutime, long cstime) {
    /** CPU time of the process and of its children that it has waited for. */
    long ticks() {
      return utime + stime + cutime + cstime;
    }

    static Stat parse(String line) {
      var open = line.indexOf('(');
      var close = line.lastIndexOf(')');
      if (open < 0 || close < open) {
        throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
      }
      var pid = Integer.parseInt(line.substring(0, open).trim());
      var comm = line.substring(open + 1, close);
      // after ") ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
      // utime stime cutime cstime ...
      var fields = line.substring(close + 2).trim().split(" +");
      return new Stat(
          pid,
          Integer.parseInt(fields[1]),
          comm,
          Long.parseLong(fields[11]),
          Long.parseLong(fields[12]),
          Long.parseLong(fields[13]),
          Long.parseLong(fields[14]));
    }
  }

  /** A {@code Name: 1234 kB} field of /proc/<pid>/status or smaps_rollup, in KiB. */
  static OptionalLong kib(String content, String field) {
    for (var line : content.split("\n")) {
      if (line.startsWith(field + ":")) {
        var value = line.substring(field.length() + 1).trim();
        var space = value.indexOf(' ');
        return OptionalLong.of(Long.parseLong(space < 0 ? value : value.substring(0, space)));
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The machine's CPU time from the first line of /proc/stat, in clock ticks: busy (user, nice,
   * system, irq, softirq, steal) and all (busy plus idle and iowait).
   */
  record MachineCpu(long busy, long all) {
    static MachineCpu parse(String procStat) {
      var line = procStat.lines().filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow();
      var f = line.substring(4).trim().split(" +");
      long user = Long.parseLong(f[0]);
      long nice = Long.parseLong(f[1]);
      long system = Long.parseLong(f[2]);
      long idle = Long.parseLong(f[3]);
      long iowait = Long.parseLong(f[4]);
      long irq = Long.parseLong(f[5]);
      long softirq = Long.parseLong(f[6]);
      long steal = f.length > 7 ? Long.parseLong(f[7]) : 0;
      long busy = user + nice + system + irq + softirq + steal;
      return new MachineCpu(busy, busy + idle + iowait);
    }
  }

  static Stat stat(long pid) throws IOException {
    return Stat.parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
  }

  /**
   * CPU ticks of a JVM's JIT compiler threads (HotSpot names them "C1 CompilerThread<n>" and "C2
   * CompilerThread<n>", cut to 15 characters by the kernel): the one-time cost of compiling hot
   * code, apart from the work itself. 0 for a process that has none.
   */
  static long compilerTicks(long pid) {
    try (var threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      long ticks = 0;
      for (var thread : threads.toList()) {
        try {
          var stat = Stat.parse(Files.readString(thread.resolve("stat")));
          if (isCompilerThread(stat.comm())) {
            ticks += stat.utime() + stat.stime();
          }
        } catch (IOException | RuntimeException gone) {
          // the thread ended between the listing and the read
        }
      }
      return ticks;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }

  static boolean isCompilerThread(String comm) {
    return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
  }

  static String status(long pid) throws IOException {
    return Files.readString(Path.of("/proc", Long.toString(pid), "status"));
  }

  /** Proportional set size in KiB (shared pages split among their users), if readable. */
  static OptionalLong pssKib(long pid) {
    try {
      return kib(Files.readString(Path.of("/proc", Long.toString(pid), "smaps_rollup")), "Pss");
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  static MachineCpu machineCpu() throws IOException {
    return MachineCpu.parse(Files.readString(Path.of("/proc/stat")));
  }

  /** Clock ticks per second, from {@code getconf CLK_TCK}; 100 (Linux's usual) if that fails. */
  static long clockTicksPerSecond() {
    try {
      var process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      var out = new String(process.getInputStream().readAllBytes()).trim();
      if (process.waitFor() == 0) {
        return Long.parseLong(out);
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
