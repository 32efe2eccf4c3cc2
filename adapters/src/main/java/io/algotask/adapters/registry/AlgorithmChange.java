package io.algotask.adapters.registry;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A registration or a change of an algorithm (contract section 5, {@code PUT
 * /v1/algorithms/{name}}): the fields given replace those stored, the others stay. A new algorithm
 * needs an endpoint and a limit. An adaptive algorithm ({@code adaptive}) runs between {@code
 * minConcurrency} and {@code maxConcurrency}, changing at most once per {@code
 * adaptiveWindowSeconds}.
 *
 * @param tenantWeights replaces the weights of the tenants in the algorithm's fair share of slots
 *     (each a whole number from 1 to {@value #MAX_TENANT_WEIGHT}); {@code {}} gives every tenant
 *     weight 1
 */
public record AlgorithmChange(
    URI endpoint,
    URI cancelEndpoint,
    Integer maxConcurrency,
    Integer queueTimeoutSeconds,
    Integer executionTimeoutSeconds,
    Integer maxAttempts,
    Boolean adaptive,
    Integer minConcurrency,
    Integer adaptiveWindowSeconds,
    Map<String, Integer> tenantWeights) {

  /** A change that leaves the adaptive limit's settings and the tenant weights as they are. */
  public AlgorithmChange(
      URI endpoint,
      URI cancelEndpoint,
      Integer maxConcurrency,
      Integer queueTimeoutSeconds,
      Integer executionTimeoutSeconds,
      Integer maxAttempts) {
    this(
        endpoint,
        cancelEndpoint,
        maxConcurrency,
        queueTimeoutSeconds,
        executionTimeoutSeconds,
        maxAttempts,
        null,
        null,
        null,
        null);
  }

  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  public static final int MAX_CONCURRENCY = 10_000;
  public static final int MAX_TENANT_WEIGHT = 1_000;

  /** The weights of some tenants, everything else as stored. */
  public static AlgorithmChange ofTenantWeights(Map<String, Integer> tenantWeights) {
    return new AlgorithmChange(null, null, null, null, null, null, null, null, null, tenantWeights);
  }

  /** The settings after this change, or the rules it breaks. */
  AlgorithmSettings applyTo(String name, AlgorithmSettings current) {
    var broken = new ArrayList<String>();
    if (!NAME.matcher(name).matches()) {
      broken.add("name: must match " + NAME.pattern());
    }
    if (current == null && (endpoint == null || maxConcurrency == null)) {
      broken.add("a new algorithm needs endpoint and maxConcurrency");
    }
    checkUrl("endpoint", endpoint, broken);
    checkUrl("cancelEndpoint", cancelEndpoint, broken);
    checkRange("maxConcurrency", maxConcurrency, 1, MAX_CONCURRENCY, broken);
    checkRange("queueTimeoutSeconds", queueTimeoutSeconds, 1, 604_800, broken);
    checkRange("executionTimeoutSeconds", executionTimeoutSeconds, 1, 86_400, broken);
    checkRange("maxAttempts", maxAttempts, 1, 10, broken);
    checkRange("minConcurrency", minConcurrency, 1, MAX_CONCURRENCY, broken);
    checkRange("adaptiveWindowSeconds", adaptiveWindowSeconds, 1, 3600, broken);
    var base = current != null ? current : AlgorithmSettings.defaultsFor(name);
    var max = maxConcurrency != null ? maxConcurrency : base.maxConcurrency();
    var min = minConcurrency != null ? minConcurrency : base.minConcurrency();
    if (min > max && max >= 1 && min <= MAX_CONCURRENCY) { // an out-of-range one is named already
      broken.add("minConcurrency: must be at most maxConcurrency (" + max + ")");
    }
    checkTenantWeights(tenantWeights, broken);
    if (!broken.isEmpty()) {
      throw new InvalidAlgorithmException(broken);
    }
    return new AlgorithmSettings(
        name,
        endpoint != null ? endpoint : base.endpoint(),
        cancelEndpoint != null ? cancelEndpoint : base.cancelEndpoint(),
        maxConcurrency != null ? maxConcurrency : base.maxConcurrency(),
        queueTimeoutSeconds != null ? Duration.ofSeconds(queueTimeoutSeconds) : base.queueTimeout(),
        executionTimeoutSeconds != null
            ? Duration.ofSeconds(executionTimeoutSeconds)
            : base.executionTimeout(),
        maxAttempts != null ? maxAttempts : base.maxAttempts(),
        adaptive != null ? adaptive : base.adaptive(),
        min,
        adaptiveWindowSeconds != null
            ? Duration.ofSeconds(adaptiveWindowSeconds)
            : base.adaptiveWindow(),
        tenantWeights != null ? tenantWeights : base.tenantWeights());
  }

  /** Tenants are named like algorithms (contract section 2); each weight is from 1 to 1000. */
  static void checkTenantWeights(Map<String, Integer> tenantWeights, List<String> broken) {
    if (tenantWeights == null) {
      return;
    }
    tenantWeights.forEach(
        (tenant, weight) -> {
          if (tenant == null || !NAME.matcher(tenant).matches()) {
            broken.add("tenantWeights: tenant " + tenant + " must match " + NAME.pattern());
          } else {
            checkRange("tenantWeights." + tenant, weight, 1, MAX_TENANT_WEIGHT, broken);
            if (weight == null) {
              broken.add("tenantWeights." + tenant + ": must be a whole number");
            }
          }
        });
  }

  private static void checkUrl(String field, URI uri, List<String> broken) {
    if (uri != null
        && (!uri.isAbsolute()
            || uri.getHost() == null
            || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())))) {
      broken.add(field + ": must be an absolute http or https URL");
    }
  }

  private static void checkRange(
      String field, Integer value, int min, int max, List<String> broken) {
    if (value != null && (value < min || value > max)) {
      broken.add(field + ": must be from " + min + " to " + max);
    }
  }
}
