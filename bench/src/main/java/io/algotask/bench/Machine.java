package io.algotask.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine a run measured: CPU model and count, memory, kernel, Java. */
record Machine(String cpuModel, int cpus, double memoryGib, String kernel, String java) {

  static Machine current() {
    return from(
        read("/proc/cpuinfo"),
        read("/proc/meminfo"),
        read("/proc/sys/kernel/osrelease").trim(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
  }

  static Machine from(String cpuinfo, String meminfo, String kernel, String java) {
    String model = "unknown CPU";
    int cpus = 0;
    for (var line : cpuinfo.split("\n")) {
      if (line.startsWith("processor")) {
        cpus++;
      } else if (line.startsWith("model name") && model.equals("unknown CPU")) {
        model = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    var memoryKib = ProcFiles.kib(meminfo, "MemTotal").orElse(0);
    return new Machine(model, cpus, memoryKib / 1024.0 / 1024.0, kernel, java);
  }

  String describe() {
    return String.format(
        Locale.ROOT,
        "%s, %d logical CPUs, %.1f GiB RAM, Linux %s, %s",
        cpuModel,
        cpus,
        memoryGib,
        kernel,
        java);
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      return "";
    }
  }
}
