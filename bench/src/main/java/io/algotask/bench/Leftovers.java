package io.algotask.bench;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * What earlier runs left behind when they were killed before their end: their workflows (open on
 * task queues nobody serves), task records, slot keys and topics. Left in place, the worker-app of
 * the next run would rebuild and grant those tasks' slots, and the dev server would keep their
 * timers: both would be measured as this run's work. Removed before a run starts.
 */
final class Leftovers {
  /** A run id as {@link BenchSettings#runId} makes it, at the start of an algorithm's name. */
  private static final Pattern RUN_OF_ALGORITHM = Pattern.compile("^(bench-\\d{10})-.+$");

  /** A task's workflow id is this and its task id. */
  private static final String TASK_WORKFLOW_PREFIX = "task-";

  private Leftovers() {}

  /** The runs that the given algorithm names belong to. */
  static List<String> runsOf(List<String> algorithms) {
    var runs = new TreeSet<String>();
    for (var algorithm : algorithms) {
      var matcher = RUN_OF_ALGORITHM.matcher(algorithm);
      if (matcher.matches()) {
        runs.add(matcher.group(1));
      }
    }
    return List.copyOf(runs);
  }

  /** Removes the leftovers; a failure is logged, and the run goes on. */
  static void remove(BenchSettings settings, Records records) {
    try {
      removeOrFail(settings, records);
    } catch (Exception e) {
      BenchRun.log("could not remove what earlier runs left behind: " + e);
    }
  }

  private static void removeOrFail(BenchSettings settings, Records records) throws Exception {
    var algorithms = records.benchAlgorithms();
    var runs = runsOf(algorithms);
    if (!runs.isEmpty()) {
      long terminated = terminateOpenWorkflows(settings, records.unfinishedTasks(algorithms));
      long deleted = records.deleteRun(algorithms);
      BenchRun.log(
          "removed what earlier runs "
              + runs
              + " left behind: "
              + terminated
              + " open workflows terminated, "
              + deleted
              + " task records deleted");
    }
    long keys =
        RedisKeys.deleteMatching(
            settings.redisUri(), settings.redisClusterNodes(), "algotask:slots:bench-*");
    var topics = deleteTopics(settings);
    if (keys > 0 || topics > 0) {
      BenchRun.log("removed " + keys + " slot keys and " + topics + " topics of earlier runs");
    }
  }

  /**
   * Terminates the workflows of the unfinished tasks, by workflow id from their records (a
   * visibility query over a dev server full of runs can take longer than a call may).
   */
  private static long terminateOpenWorkflows(BenchSettings settings, List<String> taskIds)
      throws InterruptedException {
    var service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(settings.temporal()).build());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      var stub = service.blockingStub();
      var terminations = new ArrayList<Future<?>>();
      for (var taskId : taskIds) {
        terminations.add(
            pool.submit(
                () ->
                    stub.terminateWorkflowExecution(
                        TerminateWorkflowExecutionRequest.newBuilder()
                            .setNamespace(settings.namespace())
                            .setWorkflowExecution(
                                WorkflowExecution.newBuilder()
                                    .setWorkflowId(TASK_WORKFLOW_PREFIX + taskId))
                            .setReason("left behind by an interrupted benchmark run")
                            .build())));
      }
      long terminated = 0;
      for (var termination : terminations) {
        try {
          termination.get();
          terminated++;
        } catch (ExecutionException alreadyClosed) {
          // closed meanwhile, or never started: nothing left to do
        }
      }
      return terminated;
    } finally {
      pool.shutdownNow();
      service.shutdownNow();
    }
  }

  private static int deleteTopics(BenchSettings settings) throws Exception {
    var admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka());
    try (var kafka = AdminClient.create(admin)) {
      var topics =
          kafka.listTopics().names().get().stream()
              .filter(name -> name.startsWith("algotask.bench-"))
              .toList();
      if (!topics.isEmpty()) {
        kafka.deleteTopics(topics).all().get();
      }
      return topics.size();
    }
  }
}
