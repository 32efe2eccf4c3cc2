package io.algotask.workflows.model;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * The search attributes operators filter tasks by in the Temporal Web UI. The local stack registers
 * them when the dev server starts; a production namespace needs them registered once, by an admin
 * or by the apps' namespace set-up ({@code algotask.temporal.namespace-setup.enabled}).
 */
public final class SearchAttributes {
  public static final SearchAttributeKey<String> ALGORITHM_NAME =
      SearchAttributeKey.forKeyword("AlgorithmName");
  public static final SearchAttributeKey<String> TENANT = SearchAttributeKey.forKeyword("Tenant");
  public static final SearchAttributeKey<String> TASK_STATUS =
      SearchAttributeKey.forKeyword("TaskStatus");
  public static final SearchAttributeKey<Long> PRIORITY = SearchAttributeKey.forLong("Priority");

  /** Every search attribute a task's workflow sets. */
  public static final List<SearchAttributeKey<?>> ALL =
      List.of(ALGORITHM_NAME, TENANT, TASK_STATUS, PRIORITY);

  private SearchAttributes() {}
}
