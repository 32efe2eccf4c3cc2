package io.algotask.bench;

/**
 * What one worker-app ran, from the Temporal SDK's counters on its Prometheus page: which worker
 * took how much of the work.
 */
record WorkerCounts(
    double workflowTasks, double workflowsCompleted, double activities, double localActivities) {
  static final WorkerCounts NONE = new WorkerCounts(0, 0, 0, 0);

  static WorkerCounts parse(String page) {
    return new WorkerCounts(
        sum(page, "temporal_workflow_task_execution_latency_seconds_count"),
        sum(page, "temporal_workflow_completed_total"),
        sum(page, "temporal_activity_execution_latency_seconds_count"),
        sum(page, "temporal_local_activity_total"));
  }

  /** The counts since an earlier reading. */
  WorkerCounts since(WorkerCounts earlier) {
    return new WorkerCounts(
        workflowTasks - earlier.workflowTasks,
        workflowsCompleted - earlier.workflowsCompleted,
        activities - earlier.activities,
        localActivities - earlier.localActivities);
  }

  /** The metric's value summed over all its label sets (task queues, types). */
  private static double sum(String page, String metric) {
    double sum = 0;
    for (var line : page.split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
