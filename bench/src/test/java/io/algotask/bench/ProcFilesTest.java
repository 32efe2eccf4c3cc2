package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcFilesTest {
  @Test
  void statFieldsAreCountedAfterTheLastParenthesisOfTheCommandName() {
    var line =
        "4242 (java (worker) x) S 1 4242 4242 0 -1 4194560 9000 0 12 0 1500 250 7 3 20 0 40 0"
            + " 123456 5000000000 100000 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0";

    var stat = ProcFiles.Stat.parse(line);

    assertThat(stat.pid()).isEqualTo(4242);
    assertThat(stat.ppid()).isEqualTo(1);
    assertThat(stat.comm()).isEqualTo("java (worker) x");
    assertThat(stat.utime()).isEqualTo(1500);
    assertThat(stat.stime()).isEqualTo(250);
    assertThat(stat.ticks()).isEqualTo(1500 + 250 + 7 + 3);
  }

  @Test
  void kibFieldsOfStatusAndSmapsRollup() {
    var status = "Name:\tjava\nVmHWM:\t  420000 kB\nVmRSS:\t  380123 kB\nThreads:\t42\n";

    assertThat(ProcFiles.kib(status, "VmRSS")).hasValue(380123);
    assertThat(ProcFiles.kib(status, "VmHWM")).hasValue(420000);
    assertThat(ProcFiles.kib(status, "VmSwap")).isEmpty();
    assertThat(ProcFiles.kib("Rss:  2048 kB\nPss:  1024 kB\nPss_Anon: 512 kB\n", "Pss"))
        .hasValue(1024);
  }

  @Test
  void theMachinesBusyTimeLeavesOutIdleAndIowait() {
    var procStat = "cpu  100 5 50 1000 20 3 2 10 0 0\ncpu0 50 2 25 500 10 1 1 5 0 0\n";

    var cpu = ProcFiles.MachineCpu.parse(procStat);

    assertThat(cpu.busy()).isEqualTo(100 + 5 + 50 + 3 + 2 + 10);
    assertThat(cpu.all()).isEqualTo(cpu.busy() + 1000 + 20);
  }

  @Test
  void descendantsAreTheWholeTreeBelowTheRoot() {
    var all =
        List.of(
            stat(1, 0),
            stat(100, 1), // the postmaster
            stat(101, 100),
            stat(102, 100),
            stat(103, 102),
            stat(200, 1)); // someone else

    var tree = TrackedProcess.descendants(100, all);

    assertThat(tree).extracting(ProcFiles.Stat::pid).containsExactly(100, 101, 102, 103);
    assertThat(TrackedProcess.descendants(999, all)).isEmpty();
  }

  private static ProcFiles.Stat stat(int pid, int ppid) {
    return new ProcFiles.Stat(pid, ppid, "p" + pid, 1, 1, 0, 0);
  }

  @Test
  void aJvmsCompilerThreadsAreToldByTheirNamesAndTheirCpuIsRead() {
    assertThat(ProcFiles.isCompilerThread("C2 CompilerThre")).isTrue();
    assertThat(ProcFiles.isCompilerThread("C1 CompilerThre")).isTrue();
    assertThat(ProcFiles.isCompilerThread("GC Thread#0")).isFalse();
    assertThat(ProcFiles.isCompilerThread("main")).isFalse();

    // this test's own JVM has compiled something by now, and a process without threads none
    assertThat(ProcFiles.compilerTicks(ProcessHandle.current().pid())).isPositive();
    assertThat(ProcFiles.compilerTicks(Long.MAX_VALUE)).isZero();
  }
}
