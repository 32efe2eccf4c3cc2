package io.algotask.adapters.registry;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The algorithms known at start-up, by name: {@code algotask.algorithms.ocr.endpoint=...}, {@code
 * algotask.algorithms.ocr.tenant-weights.acme=3}.
 *
 * @param algorithms the algorithms by name
 */
@Validated
@ConfigurationProperties("algotask")
public record AlgorithmProperties(Map<String, @Valid Algorithm> algorithms) {

  public AlgorithmProperties {
    algorithms = algorithms == null ? Map.of() : Map.copyOf(algorithms);
  }

  /** One algorithm's settings as configured; see {@link AlgorithmSettings}. */
  public record Algorithm(
      @NotNull URI endpoint,
      URI cancelEndpoint,
      @Min(1) @DefaultValue("4") int maxConcurrency,
      @DefaultValue("1h") Duration queueTimeout,
      @DefaultValue("10m") Duration executionTimeout,
      @Min(1) @Max(10) @DefaultValue("3") int maxAttempts,
      @DefaultValue("false") boolean adaptive,
      @Min(1) @DefaultValue("1") int minConcurrency,
      @DefaultValue("10s") Duration adaptiveWindow,
      Map<String, @Min(1) @Max(AlgorithmChange.MAX_TENANT_WEIGHT) Integer> tenantWeights) {

    /** The registry's settings of this algorithm under the name. */
    public AlgorithmSettings settings(String name) {
      return new AlgorithmSettings(
          name,
          endpoint,
          cancelEndpoint,
          maxConcurrency,
          queueTimeout,
          executionTimeout,
          maxAttempts,
          adaptive,
          Math.min(minConcurrency, maxConcurrency),
          // the registry keeps whole seconds, at least one
          Duration.ofSeconds(Math.max(1, adaptiveWindow.toSeconds())),
          tenantWeights);
    }
  }
}
