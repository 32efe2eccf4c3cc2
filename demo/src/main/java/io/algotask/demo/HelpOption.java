package io.algotask.demo;

import picocli.CommandLine.Option;

/**
 * The {@code -h}/{@code --help} option of the demo's and the bench's commands. picocli's standard
 * help mixin would add a {@code --version} that neither has.
 */
public final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "this text")
  private boolean help;
}
