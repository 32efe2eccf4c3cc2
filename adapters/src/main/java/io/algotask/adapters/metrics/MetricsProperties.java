package io.algotask.adapters.metrics;

import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How tasks' metrics are tagged. A tenant is whatever a request names, so its tag is bounded: the
 * tenants listed here are tagged by name and every other one {@code other}; with no list, the first
 * {@code maxTenants} tenants of accepted tasks each process sees are tagged by name, the rest
 * {@code other}.
 *
 * @param tenants the tenants tagged by name (e.g. those of {@code algotask.api.clients})
 * @param maxTenants without a list, how many tenants a process tags by name
 */
@ConfigurationProperties("algotask.metrics")
public record MetricsProperties(Set<String> tenants, @DefaultValue("100") int maxTenants) {
  public MetricsProperties {
    tenants = tenants == null ? Set.of() : Set.copyOf(tenants);
  }
}
