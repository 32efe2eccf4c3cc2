package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator's commands on the local stack: the launcher ({@code ./algotask stack restart}) and
 * the Temporal CLI. The launcher's environment (ALGOTASK_STACK_DIR, ports) reaches the tests, so
 * both act on the stack the tests run on.
 */
final class StackCommands {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private StackCommands() {}

  /** Stops one service of the stack and starts it again with its data; returns once healthy. */
  static String restart(String service) throws Exception {
    return run(List.of(ROOT.resolve("algotask").toString(), "stack", "restart", service));
  }

  /** A launcher command on the cluster shape, e.g. {@code stack stop kafka2}. */
  static String cluster(String... arguments) throws Exception {
    var command = new ArrayList<String>();
    command.add(ROOT.resolve("algotask").toString());
    command.add("--cluster");
    command.addAll(List.of(arguments));
    return run(command);
  }

  /** The pid of a service the launcher started, from its pid file. */
  static long pidOf(String service) throws Exception {
    var pidFile = stackDir().resolve("run").resolve(service + ".pid");
    return Long.parseLong(Files.readString(pidFile).trim());
  }

  static String temporal(String... arguments) throws Exception {
    var command = new ArrayList<String>();
    command.add(temporalCli().toString());
    command.addAll(List.of(arguments));
    return run(command);
  }

  /** The launcher's state folder (.stack at the root unless ALGOTASK_STACK_DIR says otherwise). */
  private static Path stackDir() {
    var configured = System.getenv("ALGOTASK_STACK_DIR");
    return configured == null ? ROOT.resolve(".stack") : Path.of(configured);
  }

  /** The temporal CLI, found where the launcher installs it (deploy/local/stack.sh). */
  private static Path temporalCli() throws Exception {
    var configured = System.getenv("ALGOTASK_TEMPORAL_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    var venv = stackDir().resolve("tools/venv/bin/temporal");
    if (Files.isExecutable(venv)) {
      return venv;
    }
    var scripts =
        run(List.of("python3", "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"));
    return Path.of(scripts.trim(), "temporal");
  }

  /**
   * Runs a command to its end (at most 2 minutes) and returns its output; fails on a non-zero exit.
   */
  static String run(List<String> command) throws Exception {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    var timeout = Duration.ofMinutes(2);
    assertThat(process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS))
        .as("%s ended within %s", command, timeout)
        .isTrue();
    assertThat(process.exitValue()).as("exit of %s: %s", command, output).isZero();
    return output;
  }
}
