package io.algotask.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How the sample algorithm service listens and behaves. Rates are probabilities in [0, 1] drawn per
 * attempt, except {@code busyRate} and {@code serverErrorRate}, drawn per delivery of an
 * invocation; {@code seed == null} means "pick one at start" (the server reports the one it picked,
 * so a run can be repeated).
 *
 * <p>Read from {@code --key=value} arguments and {@code ALGOTASK_SAMPLE_<KEY>} environment
 * variables ({@code latencyMinMs} becomes {@code ALGOTASK_SAMPLE_LATENCY_MIN_MS}); arguments win.
 * The constructor validates and throws {@link IllegalArgumentException} naming the setting.
 */
public record SampleAlgorithmSettings(
    int port,
    String bindAddress,
    long latencyMinMs,
    long latencyMaxMs,
    double failureRate,
    double refusalRate,
    double busyRate,
    double noCallbackRate,
    double serverErrorRate,
    double lateCallbackRate,
    double duplicateCallbackRate,
    double conflictingCallbackRate,
    Long seed,
    int workerThreads) {

  public static final String ENVIRONMENT_PREFIX = "ALGOTASK_SAMPLE_";

  /** Setting names, in the order they are documented and logged. */
  public static final List<String> KEYS =
      List.of(
          "port",
          "bindAddress",
          "latencyMinMs",
          "latencyMaxMs",
          "failureRate",
          "refusalRate",
          "busyRate",
          "noCallbackRate",
          "serverErrorRate",
          "lateCallbackRate",
          "duplicateCallbackRate",
          "conflictingCallbackRate",
          "seed",
          "workerThreads");

  public SampleAlgorithmSettings {
    require(port >= 0 && port <= 65535, "port must be between 0 and 65535, got " + port);
    require(bindAddress != null && !bindAddress.isBlank(), "bindAddress must not be blank");
    require(latencyMinMs >= 0, "latencyMinMs must be >= 0, got " + latencyMinMs);
    require(
        latencyMaxMs >= latencyMinMs,
        "latencyMaxMs (" + latencyMaxMs + ") must be >= latencyMinMs (" + latencyMinMs + ")");
    requireRate("failureRate", failureRate);
    requireRate("refusalRate", refusalRate);
    requireRate("busyRate", busyRate);
    requireRate("noCallbackRate", noCallbackRate);
    requireRate("serverErrorRate", serverErrorRate);
    requireRate("lateCallbackRate", lateCallbackRate);
    requireRate("duplicateCallbackRate", duplicateCallbackRate);
    requireRate("conflictingCallbackRate", conflictingCallbackRate);
    require(
        workerThreads >= 1 && workerThreads <= 1024,
        "workerThreads must be between 1 and 1024, got " + workerThreads);
  }

  /** Port 8090 on 127.0.0.1, 20-200 ms latency, no misbehaviour, a random seed, 16 threads. */
  public static SampleAlgorithmSettings defaults() {
    return new SampleAlgorithmSettings(
        8090, "127.0.0.1", 20, 200, 0, 0, 0, 0, 0, 0, 0, 0, null, 16);
  }

  /** The defaults on any free port: what tests usually want. */
  public static SampleAlgorithmSettings forTests() {
    return defaults().withPort(0).withSeed(42L);
  }

  /**
   * Settings from command-line arguments ({@code --key=value}) over environment variables over the
   * defaults.
   *
   * @throws IllegalArgumentException naming the argument or setting that is wrong
   */
  public static SampleAlgorithmSettings parse(String[] args, Map<String, String> environment) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : KEYS) {
      String fromEnvironment = environment.get(environmentVariable(key));
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        values.put(key, fromEnvironment.trim());
      }
    }
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException(
            "unexpected argument '" + arg + "': expected --key=value, keys: " + KEYS);
      }
      String key = arg.substring(2, equals);
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown setting '" + key + "'; known: " + KEYS);
      }
      values.put(key, arg.substring(equals + 1).trim());
    }

    SampleAlgorithmSettings defaults = defaults();
    return new SampleAlgorithmSettings(
        value(values, "port", Integer::parseInt, defaults.port()),
        value(values, "bindAddress", Function.identity(), defaults.bindAddress()),
        value(values, "latencyMinMs", Long::parseLong, defaults.latencyMinMs()),
        value(values, "latencyMaxMs", Long::parseLong, defaults.latencyMaxMs()),
        value(values, "failureRate", Double::parseDouble, defaults.failureRate()),
        value(values, "refusalRate", Double::parseDouble, defaults.refusalRate()),
        value(values, "busyRate", Double::parseDouble, defaults.busyRate()),
        value(values, "noCallbackRate", Double::parseDouble, defaults.noCallbackRate()),
        value(values, "serverErrorRate", Double::parseDouble, defaults.serverErrorRate()),
        value(values, "lateCallbackRate", Double::parseDouble, defaults.lateCallbackRate()),
        value(
            values, "duplicateCallbackRate", Double::parseDouble, defaults.duplicateCallbackRate()),
        value(
            values,
            "conflictingCallbackRate",
            Double::parseDouble,
            defaults.conflictingCallbackRate()),
        value(values, "seed", Long::valueOf, defaults.seed()),
        value(values, "workerThreads", Integer::parseInt, defaults.workerThreads()));
  }

  /** {@code latencyMinMs} → {@code ALGOTASK_SAMPLE_LATENCY_MIN_MS}. */
  public static String environmentVariable(String key) {
    StringBuilder name = new StringBuilder(ENVIRONMENT_PREFIX);
    for (char c : key.toCharArray()) {
      if (Character.isUpperCase(c)) {
        name.append('_');
      }
      name.append(Character.toUpperCase(c));
    }
    return name.toString();
  }

  public SampleAlgorithmSettings withPort(int port) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  public SampleAlgorithmSettings withBindAddress(String bindAddress) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  public SampleAlgorithmSettings withLatencyMs(long minMs, long maxMs) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        minMs,
        maxMs,
        failureRate,
        refusalRate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  public SampleAlgorithmSettings withFailureRate(double rate) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        rate,
        refusalRate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  public SampleAlgorithmSettings withRefusalRate(double rate) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        rate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  public SampleAlgorithmSettings withBusyRate(double rate) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        rate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  public SampleAlgorithmSettings withNoCallbackRate(double rate) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        busyRate,
        rate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  /** Invocation deliveries answered HTTP 500 (drawn per delivery, like {@code busyRate}). */
  public SampleAlgorithmSettings withServerErrorRate(double rate) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        busyRate,
        noCallbackRate,
        rate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  /** Attempts that do their work but call back only after their deadline. */
  public SampleAlgorithmSettings withLateCallbackRate(double rate) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        rate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  /** Attempts that send their callback once more after it was answered. */
  public SampleAlgorithmSettings withDuplicateCallbackRate(double rate) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        rate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  /** Attempts that, after their callback was answered, report the other status once. */
  public SampleAlgorithmSettings withConflictingCallbackRate(double rate) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        rate,
        seed,
        workerThreads);
  }

  public SampleAlgorithmSettings withSeed(Long seed) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  public SampleAlgorithmSettings withWorkerThreads(int workerThreads) {
    return new SampleAlgorithmSettings(
        port,
        bindAddress,
        latencyMinMs,
        latencyMaxMs,
        failureRate,
        refusalRate,
        busyRate,
        noCallbackRate,
        serverErrorRate,
        lateCallbackRate,
        duplicateCallbackRate,
        conflictingCallbackRate,
        seed,
        workerThreads);
  }

  /** One line for the start-up log: {@code key=value} pairs. */
  public String describe() {
    return ("latencyMs=%d-%d failureRate=%s refusalRate=%s busyRate=%s noCallbackRate=%s"
            + " serverErrorRate=%s lateCallbackRate=%s duplicateCallbackRate=%s"
            + " conflictingCallbackRate=%s seed=%s workerThreads=%d")
        .formatted(
            latencyMinMs,
            latencyMaxMs,
            failureRate,
            refusalRate,
            busyRate,
            noCallbackRate,
            serverErrorRate,
            lateCallbackRate,
            duplicateCallbackRate,
            conflictingCallbackRate,
            seed == null ? "random" : seed,
            workerThreads);
  }

  private static <T> T value(
      Map<String, String> values, String key, Function<String, T> parser, T fallback) {
    String raw = values.get(key);
    if (raw == null) {
      return fallback;
    }
    try {
      return parser.apply(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + raw + "'");
    }
  }

  private static void requireRate(String name, double rate) {
    require(rate >= 0 && rate <= 1, name + " must be between 0 and 1, got " + rate);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
