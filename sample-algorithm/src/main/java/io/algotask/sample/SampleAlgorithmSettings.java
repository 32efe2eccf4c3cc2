package io.algotask.sample;

import picocli.CommandLine.Option;

/**
 * How the sample algorithm service listens and behaves. Rates are probabilities in [0, 1] drawn per
 * attempt, except {@code busyRate} and {@code serverErrorRate}, drawn per delivery of an
 * invocation; {@code seed == null} means "pick one at start" (the server reports the one it picked,
 * so a run can be repeated).
 *
 * <p>Built with {@link #builder()} (the defaults) or {@link #toBuilder()}; the builder's fields are
 * also the command line's options, read by {@link SampleAlgorithmMain}. The constructor validates
 * and throws {@link IllegalArgumentException} naming the setting.
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
    int workerThreads,
    Integer capacity) {

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
    require(capacity == null || capacity >= 0, "capacity must be >= 0, got " + capacity);
  }

  /**
   * Port 8090 on 127.0.0.1, 20-200 ms latency, no misbehaviour, a random seed, 16 threads, no
   * capacity limit.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults, built. */
  public static SampleAlgorithmSettings defaults() {
    return builder().build();
  }

  /** The defaults on any free port with seed 42: what tests usually want. */
  public static SampleAlgorithmSettings forTests() {
    return builder().port(0).seed(42L).build();
  }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    return builder()
        .port(port)
        .bindAddress(bindAddress)
        .latencyMs(latencyMinMs, latencyMaxMs)
        .failureRate(failureRate)
        .refusalRate(refusalRate)
        .busyRate(busyRate)
        .noCallbackRate(noCallbackRate)
        .serverErrorRate(serverErrorRate)
        .lateCallbackRate(lateCallbackRate)
        .duplicateCallbackRate(duplicateCallbackRate)
        .conflictingCallbackRate(conflictingCallbackRate)
        .seed(seed)
        .workerThreads(workerThreads)
        .capacity(capacity);
  }

  /** One line for the start-up log: {@code key=value} pairs. */
  public String describe() {
    return ("latencyMs=%d-%d failureRate=%s refusalRate=%s busyRate=%s noCallbackRate=%s"
            + " serverErrorRate=%s lateCallbackRate=%s duplicateCallbackRate=%s"
            + " conflictingCallbackRate=%s seed=%s workerThreads=%d capacity=%s")
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
            workerThreads,
            capacity == null ? "unlimited" : capacity);
  }

  /**
   * The settings under construction; each field's initial value is its default, and each field is
   * the command-line option of the same name ({@code --latencyMinMs=MS}).
   */
  public static final class Builder {
    @Option(names = "--port", paramLabel = "N", description = "0 picks a free port")
    private int port = 8090;

    @Option(names = "--bindAddress", paramLabel = "HOST")
    private String bindAddress = "127.0.0.1";

    @Option(names = "--latencyMinMs", paramLabel = "MS", description = "work time: drawn uniformly")
    private long latencyMinMs = 20;

    @Option(names = "--latencyMaxMs", paramLabel = "MS", description = "between min and max")
    private long latencyMaxMs = 200;

    @Option(names = "--failureRate", paramLabel = "RATE", description = "calls back FAILED")
    private double failureRate;

    @Option(names = "--refusalRate", paramLabel = "RATE", description = "answers 422")
    private double refusalRate;

    @Option(names = "--busyRate", paramLabel = "RATE", description = "answers 429, per delivery")
    private double busyRate;

    @Option(names = "--noCallbackRate", paramLabel = "RATE", description = "never calls back")
    private double noCallbackRate;

    @Option(
        names = "--serverErrorRate",
        paramLabel = "RATE",
        description = "answers 500, per delivery")
    private double serverErrorRate;

    @Option(
        names = "--lateCallbackRate",
        paramLabel = "RATE",
        description = "calls back 1 s after the deadline")
    private double lateCallbackRate;

    @Option(
        names = "--duplicateCallbackRate",
        paramLabel = "RATE",
        description = "sends its callback twice")
    private double duplicateCallbackRate;

    @Option(
        names = "--conflictingCallbackRate",
        paramLabel = "RATE",
        description = "then reports the other status too")
    private double conflictingCallbackRate;

    @Option(names = "--seed", paramLabel = "N", description = "none: picked at start, logged")
    private Long seed;

    @Option(names = "--workerThreads", paramLabel = "N")
    private int workerThreads = 16;

    @Option(
        names = "--capacity",
        paramLabel = "N",
        description = "attempts in flight per algorithm; beyond it 429 (none: unlimited)")
    private Integer capacity;

    private Builder() {}

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder bindAddress(String bindAddress) {
      this.bindAddress = bindAddress;
      return this;
    }

    public Builder latencyMs(long minMs, long maxMs) {
      this.latencyMinMs = minMs;
      this.latencyMaxMs = maxMs;
      return this;
    }

    /** Attempts that call back {@code FAILED} / {@code SAMPLE_FAILURE}. */
    public Builder failureRate(double rate) {
      this.failureRate = rate;
      return this;
    }

    /** Invocations answered 422. */
    public Builder refusalRate(double rate) {
      this.refusalRate = rate;
      return this;
    }

    /** Invocation deliveries answered 429 with {@code Retry-After: 1}. */
    public Builder busyRate(double rate) {
      this.busyRate = rate;
      return this;
    }

    /** Attempts that do their work and never call back. */
    public Builder noCallbackRate(double rate) {
      this.noCallbackRate = rate;
      return this;
    }

    /** Invocation deliveries answered HTTP 500 (drawn per delivery, like {@code busyRate}). */
    public Builder serverErrorRate(double rate) {
      this.serverErrorRate = rate;
      return this;
    }

    /** Attempts that do their work but call back only after their deadline. */
    public Builder lateCallbackRate(double rate) {
      this.lateCallbackRate = rate;
      return this;
    }

    /** Attempts that send their callback once more after it was answered. */
    public Builder duplicateCallbackRate(double rate) {
      this.duplicateCallbackRate = rate;
      return this;
    }

    /** Attempts that, after their callback was answered, report the other status once. */
    public Builder conflictingCallbackRate(double rate) {
      this.conflictingCallbackRate = rate;
      return this;
    }

    /** {@code null}: one is picked at start. */
    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    public Builder workerThreads(int workerThreads) {
      this.workerThreads = workerThreads;
      return this;
    }

    /**
     * The hidden capacity: how many accepted attempts of one algorithm may be in flight ({@code
     * running}); each invocation beyond it is answered 429 with {@code Retry-After: 1}. {@code
     * null}: unlimited.
     */
    public Builder capacity(Integer capacity) {
      this.capacity = capacity;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public SampleAlgorithmSettings build() {
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
          workerThreads,
          capacity);
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
