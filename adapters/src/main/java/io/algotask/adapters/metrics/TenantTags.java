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

  /** The tag of a tenant; without a list, a tenant not seen before takes a free place. */
  String of(String tenant) {
    return tag(tenant, true);
  }

  /**
   * The tag of a tenant that must take no place of its own: a rejected request's tenant may be
   * anything, and must not crowd out real ones.
   */
  String ofSeen(String tenant) {
    return tag(tenant, false);
  }

  private String tag(String tenant, boolean admit) {
    if (tenant == null || tenant.isEmpty()) {
      return OTHER;
    }
    if (!listed.isEmpty()) {
      return listed.contains(tenant) ? tenant : OTHER;
    }
    if (seen.contains(tenant)) {
      return tenant;
    }
    // a race may let a few more than maxSeen in: still bounded
    return admit && seen.size() < maxSeen && seen.add(tenant) ? tenant : OTHER;
  }
}
