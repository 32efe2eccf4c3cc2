package io.algotask.sample;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code java -jar algotask-sample-algorithm.jar [--key=value ...]}; exit code 2 on bad settings.
 * Each setting is also read from an environment variable, {@code ALGOTASK_SAMPLE_<KEY>} ({@code
 * --latencyMinMs} becomes {@code ALGOTASK_SAMPLE_LATENCY_MIN_MS}); arguments win.
 */
@Command(
    name = "algotask-sample-algorithm",
    customSynopsis = "java -jar algotask-sample-algorithm.jar [--key=value ...]",
    description = {
      "",
      "A sample algorithm service (Algotask contract sections 3 and 4).",
      "Endpoints: POST /algorithms/{name}, POST /algorithms/{name}/cancel,",
      "           GET /stats, POST /stats/reset, GET /health",
      "",
      "Settings (argument, environment variable, default):"
    },
    footer = "Rates are probabilities in [0,1]; port 0 picks a free port. Bad settings exit 2.")
public final class SampleAlgorithmMain {
  static final int BAD_SETTINGS = 2;
  static final int CANNOT_START = 1;
  public static final String ENVIRONMENT_PREFIX = "ALGOTASK_SAMPLE_";

  /** Taken as this class loads, just before main(): start-up time, JVM boot not included. */
  private static final long MAIN_STARTED_NANOS = System.nanoTime();

  @Mixin private SampleAlgorithmSettings.Builder settings = SampleAlgorithmSettings.builder();

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "this text")
  private boolean help;

  private SampleAlgorithmMain() {}

  public static void main(String[] args) {
    int exitCode = run(args, System.getenv(), System.out, System.err);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
    // otherwise the HTTP server's dispatcher thread keeps the JVM running until it is stopped
  }

  /** Starts the server unless the settings are bad; returns the exit code (0 when started). */
  static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    var command = new SampleAlgorithmMain();
    var commandLine = commandLine(command, environment);
    SampleAlgorithmServer server;
    try {
      commandLine.parseArgs(args);
      if (commandLine.isUsageHelpRequested()) {
        commandLine.usage(out);
        return 0;
      }
      server = SampleAlgorithmServer.start(command.settings.build());
    } catch (ParameterException | IllegalArgumentException e) {
      err.println("sample-algorithm: invalid settings: " + e.getMessage());
      err.println("sample-algorithm: see --help");
      return BAD_SETTINGS;
    } catch (IOException e) {
      err.println("sample-algorithm: cannot listen: " + e);
      return CANNOT_START;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sample-algorithm-shutdown"));
    long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - MAIN_STARTED_NANOS);
    out.println(
        "sample-algorithm listening on "
            + server.baseUrl()
            + " (ready "
            + startMillis
            + " ms after main; "
            + server.settings().describe()
            + ")");
    out.flush();
    return 0;
  }

  /**
   * Settings from command-line arguments ({@code --key=value}) over environment variables over the
   * defaults.
   *
   * @throws IllegalArgumentException naming the argument or setting that is wrong
   */
  static SampleAlgorithmSettings parse(String[] args, Map<String, String> environment) {
    var command = new SampleAlgorithmMain();
    try {
      commandLine(command, environment).parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return command.settings.build();
  }

  static String usage() {
    return commandLine(new SampleAlgorithmMain(), Map.of()).getUsageMessage();
  }

  /** {@code --latencyMinMs} → {@code ALGOTASK_SAMPLE_LATENCY_MIN_MS}. */
  static String environmentVariable(String option) {
    var name = new StringBuilder(ENVIRONMENT_PREFIX);
    for (char c : option.replaceFirst("^--", "").toCharArray()) {
      if (Character.isUpperCase(c)) {
        name.append('_');
      }
      name.append(Character.toUpperCase(c));
    }
    return name.toString();
  }

  private static CommandLine commandLine(
      SampleAlgorithmMain command, Map<String, String> environment) {
    var commandLine = new CommandLine(command);
    commandLine.setDefaultValueProvider(
        argument -> {
          if (!(argument instanceof OptionSpec option) || option.usageHelp()) {
            return null;
          }
          var value = environment.get(environmentVariable(option.longestName()));
          return value == null || value.isBlank() ? null : value.trim();
        });
    commandLine
        .getHelpSectionMap()
        .put(
            UsageMessageSpec.SECTION_KEY_OPTION_LIST,
            help -> {
              var table = new StringBuilder();
              for (var option : help.commandSpec().options()) {
                if (!option.usageHelp()) {
                  var row =
                      "  --%-26s %-42s %-10s %s"
                          .formatted(
                              option.longestName().substring(2) + "=",
                              environmentVariable(option.longestName()),
                              Objects.toString(option.initialValue(), "random"),
                              String.join(" ", option.description()));
                  table.append(row.stripTrailing()).append(System.lineSeparator());
                }
              }
              return table.toString();
            });
    return commandLine;
  }
}
