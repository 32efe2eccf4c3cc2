package io.algotask.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Helm command line, built from its Go module by {@code ./algotask install --cluster}: the path
 * in ALGOTASK_HELM_BIN, else {@code $ALGOTASK_STACK_DIR/tools/go/bin/helm}, else the repository's
 * {@code .stack/tools/go/bin/helm}.
 */
final class Helm {
  static final Path CHART = Repository.path("deploy/helm/algotask");

  /** What one run printed, standard output and error apart. */
  record Result(int exitCode, String output, String errors) {}

  private Helm() {}

  static Path binary() {
    var given = System.getenv("ALGOTASK_HELM_BIN");
    if (given != null && !given.isBlank()) {
      return existing(Path.of(given), "ALGOTASK_HELM_BIN");
    }
    var stack = System.getenv("ALGOTASK_STACK_DIR");
    var binary =
        stack != null && !stack.isBlank()
            ? Path.of(stack, "tools/go/bin/helm")
            : Repository.path(".stack/tools/go/bin/helm");
    return existing(binary, "the stack's tools");
  }

  private static Path existing(Path binary, String source) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "Helm is not at "
              + binary
              + " (from "
              + source
              + "): run ./algotask install --cluster, which builds it from its Go module, or point"
              + " ALGOTASK_HELM_BIN at a helm binary");
    }
    return binary;
  }

  static Result run(String... arguments) throws IOException, InterruptedException {
    var command = new ArrayList<String>();
    command.add(binary().toString());
    command.addAll(List.of(arguments));
    var errors = Files.createTempFile("helm", ".err");
    try {
      var process =
          new ProcessBuilder(command)
              .redirectError(errors.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("helm " + String.join(" ", arguments) + " hung");
      }
      return new Result(process.exitValue(), output, Files.readString(errors));
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  /** {@code helm template} of the chart with the given values files; fails on Helm's error. */
  static RenderedChart template(String... valuesFiles) throws IOException, InterruptedException {
    var arguments = new ArrayList<>(List.of("template", "algotask", CHART.toString()));
    arguments.addAll(List.of("--namespace", "algotask"));
    for (var file : valuesFiles) {
      arguments.addAll(List.of("--values", Repository.path(file).toString()));
    }
    var result = run(arguments.toArray(String[]::new));
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "helm template failed (" + result.exitCode() + "): " + result.errors());
    }
    return RenderedChart.parse(result.output());
  }
}
