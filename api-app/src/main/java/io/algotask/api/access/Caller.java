package io.algotask.api.access;

import java.util.Set;

/** A business service, known by its client key, and the tenants it may use. */
public record Caller(String name, Set<String> tenants) {
  static final String ANY_TENANT = "*";

  public boolean mayUse(String tenant) {
    return tenants.contains(ANY_TENANT) || tenants.contains(tenant);
  }
}
