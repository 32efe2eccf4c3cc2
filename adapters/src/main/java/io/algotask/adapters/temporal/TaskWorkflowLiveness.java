package io.algotask.adapters.temporal;

import io.algotask.workflows.model.TaskState;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Whether a task's workflow still runs, asked of Temporal with describe: unlike the visibility
 * lists, describe reads the workflow's own state and never lags.
 */
@Component
public class TaskWorkflowLiveness {
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

  public Liveness of(String taskId) {
    var request =
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(
                WorkflowExecution.newBuilder().setWorkflowId(TaskWorkflowIds.forTask(taskId)))
            .build();
    try {
      var info =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .describeWorkflowExecution(request)
              .getWorkflowExecutionInfo();
      var status = info.getStatus();
      var state =
          status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
              ? State.RUNNING
              : State.CLOSED;
      return new Liveness(state, info.getExecution().getRunId(), status);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return new Liveness(State.UNKNOWN, null, null);
      }
      throw e;
    }
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
