package io.algotask.sample;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar algotask-sample-algorithm.jar [--key=value ...]}; exit code 2 on bad settings.
 */
public final class SampleAlgorithmMain {
  static final int BAD_SETTINGS = 2;
  static final int CANNOT_START = 1;

  /** Taken as this class loads, just before main(): start-up time, JVM boot not included. */
  private static final long MAIN_STARTED_NANOS = System.nanoTime();

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
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      out.println(usage());
      return 0;
    }
    SampleAlgorithmSettings settings;
    SampleAlgorithmServer server;
    try {
      settings = SampleAlgorithmSettings.parse(args, environment);
      server = SampleAlgorithmServer.start(settings);
    } catch (IllegalArgumentException e) {
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

  static String usage() {
    StringBuilder usage =
        new StringBuilder(
            """
            Usage: java -jar algotask-sample-algorithm.jar [--key=value ...]

            A sample algorithm service (Algotask contract sections 3 and 4).
            Endpoints: POST /algorithms/{name}, POST /algorithms/{name}/cancel,
                       GET /stats, POST /stats/reset, GET /health

            Settings (argument, environment variable, default):
            """);
    SampleAlgorithmSettings defaults = SampleAlgorithmSettings.defaults();
    Map<String, Object> defaultValues =
        Map.ofEntries(
            Map.entry("port", defaults.port()),
            Map.entry("bindAddress", defaults.bindAddress()),
            Map.entry("latencyMinMs", defaults.latencyMinMs()),
            Map.entry("latencyMaxMs", defaults.latencyMaxMs()),
            Map.entry("failureRate", defaults.failureRate()),
            Map.entry("refusalRate", defaults.refusalRate()),
            Map.entry("busyRate", defaults.busyRate()),
            Map.entry("noCallbackRate", defaults.noCallbackRate()),
            Map.entry("serverErrorRate", defaults.serverErrorRate()),
            Map.entry("lateCallbackRate", defaults.lateCallbackRate()),
            Map.entry("duplicateCallbackRate", defaults.duplicateCallbackRate()),
            Map.entry("conflictingCallbackRate", defaults.conflictingCallbackRate()),
            Map.entry("seed", "random"),
            Map.entry("workerThreads", defaults.workerThreads()));
    for (String key : SampleAlgorithmSettings.KEYS) {
      usage.append(
          "  --%-26s %-42s %s%n"
              .formatted(
                  key + "=",
                  SampleAlgorithmSettings.environmentVariable(key),
                  defaultValues.get(key)));
    }
    usage.append(
        "Rates are probabilities in [0,1]; port 0 picks a free port. Bad settings exit 2.");
    return usage.toString();
  }
}
