package io.algotask.adapters.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The tag of a tenant in the metrics: its name for a bounded set of tenants, else "other". */
final class TenantTags {
  static final String OTHER = "other";

  private final Set<String> listed;
  private final int maxSeen;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  TenantTags(MetricsProperties properties) {
    this.listed = properties.tenants();
    this.maxSeen = properties.maxTenants();
  }

  String of(String tenant) {
    if (tenant == null || tenant.isEmpty()) {
      return OTHER;
    }
    if (!listed.isEmpty()) {
      return listed.contains(tenant) ? tenant : OTHER;
    }
    // a race may let a few more than maxSeen in: still bounded
    if (seen.contains(tenant) || (seen.size() < maxSeen && seen.add(tenant))) {
      return tenant;
    }
    return OTHER;
  }
}
