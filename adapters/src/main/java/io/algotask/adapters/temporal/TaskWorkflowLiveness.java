package io.algotask.adapters.temporal;

import com.google.common.util.concurrent.ListenableFuture;
import io.algotask.workflows.model.TaskState;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.grpc.Status;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Whether a task's workflow still runs, asked of Temporal with describe: unlike the visibility
 * lists, describe reads the workflow's own state and never lags.
 */
@Component
public class TaskWorkflowLiveness {
  private static final Logger log = LoggerFactory.getLogger(TaskWorkflowLiveness.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** What Temporal knows of a task's workflow. */
  public record Liveness(State state, String runId, WorkflowExecutionStatus status) {
    public boolean running() {
      return state == State.RUNNING;
    }

    public boolean closed() {
      return state == State.CLOSED;
    }
  }

  /** The three answers that matter to the reconciler. */
  public enum State {
    RUNNING,
    /** completed, failed, timed out, cancelled, terminated or continued */
    CLOSED,
    /** Temporal has no such workflow (never started, or its history is gone) */
    UNKNOWN
  }

  private final WorkflowClient client;

  public TaskWorkflowLiveness(WorkflowClient client) {
    this.client = client;
  }

  /**
   * What Temporal knows of each task's workflow: one describe per task, issued without waiting for
   * the answers, at most {@code concurrency} in flight at once. Many tasks then take about (tasks /
   * concurrency) times one call's latency, not one call's latency each. A task whose describe fails
   * otherwise than with NOT_FOUND (Temporal away, the deadline passed) is left out of the answer:
   * nothing is known of it this time.
   *
   * <p>Describe rather than a visibility query (one list call for many workflows): visibility is
   * updated after the workflow's own state and lags it, so a list could miss a workflow that just
   * started or still show one just closed, and a slot would be freed under a running task; describe
   * reads the workflow's own state and never lags.
   */
  public Map<String, Liveness> ofAll(Collection<String> taskIds, int concurrency) {
    var permits = new Semaphore(concurrency);
    var stub = client.getWorkflowServiceStubs().futureStub();
    var calls = new LinkedHashMap<String, ListenableFuture<DescribeWorkflowExecutionResponse>>();
    try {
      for (var taskId : taskIds) {
        if (calls.containsKey(taskId)) {
          continue;
        }
        permits.acquire();
        var call =
            stub.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .describeWorkflowExecution(describe(taskId));
        call.addListener(permits::release, Runnable::run);
        calls.put(taskId, call);
      }
      var answers = new LinkedHashMap<String, Liveness>();
      Throwable firstFailure = null;
      for (var call : calls.entrySet()) {
        try {
          answers.put(call.getKey(), liveness(call.getValue().get()));
        } catch (ExecutionException e) {
          if (Status.fromThrowable(e.getCause()).getCode() == Status.Code.NOT_FOUND) {
            answers.put(call.getKey(), new Liveness(State.UNKNOWN, null, null));
          } else if (firstFailure == null) {
            firstFailure = e.getCause();
          }
        }
      }
      if (firstFailure != null) {
        log.warn(
            "describing {} of {} task workflows failed, nothing is known of them this time: {}",
            calls.size() - answers.size(),
            calls.size(),
            firstFailure.toString());
      }
      return answers;
    } catch (InterruptedException e) {
      calls.values().forEach(call -> call.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing task workflows", e);
    }
  }

  private DescribeWorkflowExecutionRequest describe(String taskId) {
    return DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.getOptions().getNamespace())
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(TaskWorkflowIds.forTask(taskId)))
        .build();
  }

  private static Liveness liveness(DescribeWorkflowExecutionResponse response) {
    var info = response.getWorkflowExecutionInfo();
    var status = info.getStatus();
    var state =
        status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
            ? State.RUNNING
            : State.CLOSED;
    return new Liveness(state, info.getExecution().getRunId(), status);
  }

  /**
   * Whether the task's workflow says it holds a slot, asked with its state query. Empty when it
   * cannot answer within the timeout (no worker polls, the workflow is closed or unknown): a query
   * adds nothing to the workflow's history, but it needs a worker.
   */
  public Optional<Boolean> holdsSlot(String taskId, Duration timeout) {
    var request =
        QueryWorkflowRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(
                WorkflowExecution.newBuilder().setWorkflowId(TaskWorkflowIds.forTask(taskId)))
            .setQuery(WorkflowQuery.newBuilder().setQueryType("state"))
            .build();
    try {
      var response =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .queryWorkflow(request);
      if (response.hasQueryRejected() || !response.hasQueryResult()) {
        return Optional.empty();
      }
      var state =
          client
              .getOptions()
              .getDataConverter()
              .fromPayloads(
                  0, Optional.of(response.getQueryResult()), TaskState.class, TaskState.class);
      return state == null ? Optional.empty() : Optional.of(state.holdsSlot());
    } catch (RuntimeException unanswered) {
      return Optional.empty();
    }
  }
}
