package io.algotask.api.intake;

import io.algotask.adapters.contract.TaskRequest;
import io.algotask.adapters.logging.TaskLogContext;
import io.algotask.adapters.metrics.TaskMetrics;
import io.algotask.adapters.records.TaskRecord;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.registry.AlgorithmLookup;
import io.algotask.adapters.results.TaskResults;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.SearchAttributes;
import io.algotask.workflows.model.TaskDescriptions;
import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.model.TaskSettings;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.algotask.workflows.task.AlgorithmTaskWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.Priority;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Accepts tasks, whichever door they came through: records each under its taskId (the idempotency
 * key, forever) and starts its workflow. A taskId seen before starts nothing new.
 */
@Component
public class TaskIntake {
  private static final Logger log = LoggerFactory.getLogger(TaskIntake.class);

  /** What became of a submission. */
  public enum Outcome {
    /** recorded and started */
    ACCEPTED,
    /** the taskId was known already: the existing task stands */
    DUPLICATE,
    /** recorded as REJECTED, and its result reported */
    REJECTED
  }

  private final TaskTransitions transitions;
  private final TaskRecords tasks;
  private final TaskResults results;
  private final WorkflowClient temporal;
  private final JsonMapper json;
  private final TaskMetrics metrics;
  private final String taskQueue;
  private final AlgorithmLookup algorithms;

  public TaskIntake(
      TaskTransitions transitions,
      TaskRecords tasks,
      TaskResults results,
      WorkflowClient temporal,
      JsonMapper json,
      TaskMetrics metrics,
      @Value("${algotask.temporal.task-queue}") String taskQueue,
      AlgorithmLookup algorithms) {
    this.transitions = transitions;
    this.tasks = tasks;
    this.results = results;
    this.temporal = temporal;
    this.json = json;
    this.metrics = metrics;
    this.taskQueue = taskQueue;
    this.algorithms = algorithms;
  }

  /**
   * A valid task as its record found it: recorded now and waiting for its workflow's start, or
   * known already.
   *
   * @param submittedAt when this intake recorded it; null when its taskId was known
   */
  public record Admission(TaskRequest request, Instant submittedAt) {
    public boolean recordedNow() {
      return submittedAt != null;
    }
  }

  /** Records the task and starts its workflow; a known taskId resumes the existing task. */
  public Outcome submit(ParsedRequest.Valid valid) {
    return start(record(valid));
  }

  /** Records the task unless its taskId is known; its workflow is not started yet. */
  public Admission record(ParsedRequest.Valid valid) {
    return recordAll(List.of(valid)).get(0);
  }

  /**
   * Records the tasks in one statement, each unless its taskId is known (of a taskId twice in the
   * list, the first stands); their workflows are not started yet. The admissions are in the list's
   * order.
   */
  public List<Admission> recordAll(List<ParsedRequest.Valid> batch) {
    var rows = new ArrayList<TaskTransitions.NewTask>(batch.size());
    for (var valid : batch) {
      var now = Instant.now().truncatedTo(ChronoUnit.MICROS); // what PostgreSQL keeps
      rows.add(newTask(valid.request(), TaskStatus.ACCEPTED, null, null, now, null));
    }
    var recorded = new HashSet<>(transitions.insertIfAbsent(rows));
    var admissions = new ArrayList<Admission>(batch.size());
    for (var i = 0; i < batch.size(); i++) {
      var row = rows.get(i);
      // remove: a later copy of a taskId in the batch finds it known
      var now = recorded.remove(row.taskId()) ? row.submittedAt() : null;
      if (now != null) {
        metrics.submitted(row.algorithm(), row.tenant());
      }
      admissions.add(new Admission(batch.get(i).request(), now));
    }
    return admissions;
  }

  /**
   * Starts the workflow of a task recorded now, or resumes a known one: what follows {@link
   * #record} or {@link #recordAll}. Safe to call again: a start is idempotent by workflow id.
   */
  public Outcome start(Admission admission) {
    if (!admission.recordedNow()) {
      return resumeExisting(admission.request().taskId());
    }
    start(admission.request(), admission.submittedAt());
    return Outcome.ACCEPTED;
  }

  public Outcome reject(ParsedRequest.Invalid invalid) {
    var request = invalid.request();
    try (var logged = TaskLogContext.of(request.taskId(), request.algorithm())) {
      return rejectLogged(invalid);
    }
  }

  private Outcome rejectLogged(ParsedRequest.Invalid invalid) {
    var request = invalid.request();
    var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    var eventId = eventIdOfRejection(request.taskId());
    var rejected =
        newTask(request, TaskStatus.REJECTED, invalid.code(), invalid.rule(), now, eventId);
    if (!transitions.insertIfAbsent(rejected)) {
      return resumeExisting(request.taskId());
    }
    metrics.rejected(request.algorithm(), request.tenant(), invalid.code().name());
    log.info("task {} rejected: {}", request.taskId(), invalid.rule());
    results.publishOnce(request.taskId());
    return Outcome.REJECTED;
  }

  private TaskTransitions.NewTask newTask(
      TaskRequest request,
      TaskStatus status,
      ErrorCode errorCode,
      String errorMessage,
      Instant submittedAt,
      String resultEventId) {
    return new TaskTransitions.NewTask(
        request.taskId(),
        request.algorithm(),
        request.tenant(),
        request.priority(),
        status,
        request.replyTopic(),
        json.writeValueAsString(request),
        errorCode,
        errorMessage,
        submittedAt,
        resultEventId);
  }

  private Outcome resumeExisting(String taskId) {
    resume(taskId);
    return Outcome.DUPLICATE;
  }

  /**
   * Makes sure a known task's workflow runs if the task has not ended (an earlier intake may have
   * failed between recording and starting); a rejection whose result was not sent is sent now.
   */
  public void resume(String taskId) {
    resume(tasks.findById(taskId).orElseThrow());
  }

  private void resume(TaskRecord existing) {
    if (existing.status() == TaskStatus.REJECTED) {
      results.publishOnce(existing.taskId());
    } else if (!existing.status().isTerminal()) {
      start(json.readValue(existing.request(), TaskRequest.class), existing.submittedAt());
    }
  }

  private void start(TaskRequest request, Instant submittedAt) {
    try (var logged = TaskLogContext.of(request.taskId(), request.algorithm())) {
      startLogged(request, submittedAt);
    }
  }

  private void startLogged(TaskRequest request, Instant submittedAt) {
    var input =
        new TaskInput(
            request.taskId(),
            request.algorithm(),
            request.tenant(),
            request.priority(),
            submittedAt,
            new TaskSettings(
                Duration.ofSeconds(request.queueTimeoutSeconds()),
                Duration.ofSeconds(request.executionTimeoutSeconds()),
                request.maxAttempts()));
    var options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(TaskWorkflowIds.forTask(request.taskId()))
            .setTaskQueue(taskQueue)
            // a task runs once, ever: its workflow id is never used again
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .setTypedSearchAttributes(
                io.temporal.common.SearchAttributes.newBuilder()
                    .set(SearchAttributes.ALGORITHM_NAME, request.algorithm())
                    .set(SearchAttributes.TENANT, request.tenant())
                    .set(SearchAttributes.PRIORITY, (long) request.priority())
                    .set(SearchAttributes.TASK_STATUS, TaskStatus.ACCEPTED.name())
                    .build())
            .setPriority(fairShare(request))
            .setStaticSummary(TaskDescriptions.summary(input))
            .setStaticDetails(TaskDescriptions.details(input, request.replyTopic()))
            .build();
    var workflow = temporal.newWorkflowStub(AlgorithmTaskWorkflow.class, options);
    try {
      WorkflowClient.start(workflow::run, input);
      log.debug("workflow of task {} started", request.taskId());
    } catch (WorkflowExecutionAlreadyStarted alreadyThere) {
      log.debug("workflow of task {} runs already", request.taskId());
    }
  }

  /**
   * Temporal's task-queue fairness: the tenant is the fairness key, weighed as in the algorithm's
   * share of slots, so a tenant's burst does not hold back other tenants' workflow tasks (and its
   * activities', which inherit it) where the server has fairness enabled; elsewhere it is ignored.
   */
  private Priority fairShare(TaskRequest request) {
    var weight =
        algorithms
            .find(request.algorithm())
            .map(settings -> settings.tenantWeights().getOrDefault(request.tenant(), 1))
            .orElse(1);
    return Priority.newBuilder()
        .setFairnessKey(request.tenant())
        .setFairnessWeight(weight.floatValue())
        .build();
  }

  private static String eventIdOfRejection(String taskId) {
    return UUID.nameUUIDFromBytes(("rejected/" + taskId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
