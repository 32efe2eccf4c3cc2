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

  static String temporal(String... arguments) throws Exception {
    var command = new ArrayList<String>();
    command.add(temporalCli().toString());
    command.addAll(List.of(arguments));
    return run(command);
  }

  /** The temporal CLI, found where the launcher installs it (deploy/local/stack.sh). */
  private static Path temporalCli() throws Exception {
    var configured = System.getenv("ALGOTASK_TEMPORAL_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    var stackDir = System.getenv("ALGOTASK_STACK_DIR");
    var venv =
        (stackDir == null ? ROOT.resolve(".stack") : Path.of(stackDir))
            .resolve("tools/venv/bin/temporal");
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
