package io.algotask.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.api.ApiTestSupport;
import io.algotask.api.v1.CancelTaskRequest;
import io.algotask.api.v1.GetTaskRequest;
import io.algotask.api.v1.SubmitTaskRequest;
import io.algotask.api.v1.TaskEvent;
import io.algotask.api.v1.TaskServiceGrpc;
import io.algotask.api.v1.TaskStatus;
import io.algotask.api.v1.WatchTaskRequest;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.temporal.api.enums.v1.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;

/** The gRPC door of contract section 6, with a plain grpc-java client. */
class TaskGrpcApiIT extends ApiTestSupport {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @LocalGrpcPort int grpcPort;
  private ManagedChannel channel;

  @BeforeEach
  void connect() {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private TaskServiceGrpc.TaskServiceBlockingStub blocking(String key) {
    return TaskServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(key)))
        .withDeadlineAfter(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  private static Metadata bearer(String key) {
    var metadata = new Metadata();
    if (key != null) {
      metadata.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    }
    return metadata;
  }

  private static SubmitTaskRequest.Builder request(String taskId, String tenant) {
    return SubmitTaskRequest.newBuilder()
        .setTaskId(taskId)
        .setAlgorithm(ALGORITHM)
        .setTenant(tenant);
  }

  private String submitted(String what) {
    var taskId = newTaskId(what);
    assertThat(blocking(ACME_KEY).submitTask(request(taskId, "acme").build()).getCreated())
        .isTrue();
    return taskId;
  }

  /** The refusal's status, with its ErrorInfo reason checked. */
  private static com.google.rpc.Status refusal(Runnable call, Status.Code code, String reason)
      throws Exception {
    var refused = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(refused).as("refused with %s", code).isNotNull();
    assertThat(refused.getStatus().getCode()).as(refused.toString()).isEqualTo(code);
    var status = StatusProto.fromThrowable(refused);
    assertThat(status).as("with details").isNotNull();
    var info = errorInfo(status);
    assertThat(info.getReason()).isEqualTo(reason);
    assertThat(info.getDomain()).isEqualTo("algotask.io");
    return status;
  }

  private static ErrorInfo errorInfo(com.google.rpc.Status status) throws Exception {
    return status.getDetailsList().stream()
        .filter(d -> d.is(ErrorInfo.class))
        .findFirst()
        .orElseThrow()
        .unpack(ErrorInfo.class);
  }

  /** Ends the task in the records, as the workflow would. */
  private void finish(
      String taskId,
      io.algotask.workflows.model.TaskStatus status,
      io.algotask.workflows.model.ErrorCode error) {
    transitions.recordEnd(
        taskId, status, 1, error, error == null ? null : "it ended", null, "e-" + taskId);
  }

  // --- unary calls

  @Test
  void submitCreatesOnceThenAnswersTheExistingTask() {
    var taskId = newTaskId("grpc-submit");
    var first =
        blocking(ACME_KEY)
            .submitTask(request(taskId, "acme").setPriority(2).putMetadata("order", "o-1").build());

    assertThat(first.getCreated()).isTrue();
    var task = first.getTask();
    assertThat(task.getTaskId()).isEqualTo(taskId);
    assertThat(task.getAlgorithm()).isEqualTo(ALGORITHM);
    assertThat(task.getTenant()).isEqualTo("acme");
    assertThat(task.getPriority()).isEqualTo(2);
    assertThat(task.getStatus()).isEqualTo(TaskStatus.TASK_STATUS_ACCEPTED);
    assertThat(task.getAttempts()).isZero();
    assertThat(task.hasQueuePosition()).isFalse();
    assertThat(task.hasStartedAt()).isFalse();
    assertThat(task.getMetadataMap()).containsEntry("order", "o-1");
    assertThat(Instant.ofEpochSecond(task.getSubmittedAt().getSeconds()))
        .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));

    var again = blocking(ACME_KEY).submitTask(request(taskId, "acme").setPriority(5).build());

    assertThat(again.getCreated()).isFalse();
    assertThat(again.getTask().getPriority()).as("the first request stands").isEqualTo(2);
    assertThat(again.getTask().getSubmittedAt()).isEqualTo(task.getSubmittedAt());
    assertThat(blocking(ACME_KEY).getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build()))
        .isEqualTo(again.getTask());
  }

  @Test
  void aBrokenRuleIsInvalidArgumentNamingTheField() throws Exception {
    record Case(SubmitTaskRequest request, String reason, String field) {}
    var taskId = newTaskId("grpc-broken");
    for (var c :
        new Case[] {
          new Case(
              request(taskId, "acme").setAlgorithm(RUN + "-nope").build(),
              "UNKNOWN_ALGORITHM",
              "algorithm"),
          new Case(request(taskId, "acme").setPriority(9).build(), "INVALID_REQUEST", "priority"),
          new Case(
              request(taskId, "acme").setMaxAttempts(0).build(), "INVALID_REQUEST", "maxAttempts"),
          new Case(request("", "acme").build(), "INVALID_REQUEST", "taskId"),
          new Case(
              request(taskId, "acme").putMetadata("order", "o-\u00001").build(),
              "INVALID_REQUEST",
              "metadata.order"),
        }) {
      var status =
          refusal(
              () -> blocking(ACME_KEY).submitTask(c.request()),
              Status.Code.INVALID_ARGUMENT,
              c.reason());
      var badRequest =
          status.getDetailsList().stream()
              .filter(d -> d.is(BadRequest.class))
              .findFirst()
              .orElseThrow()
              .unpack(BadRequest.class);
      assertThat(badRequest.getFieldViolationsList())
          .singleElement()
          .satisfies(v -> assertThat(v.getField()).isEqualTo(c.field()))
          .satisfies(v -> assertThat(v.getDescription()).isNotBlank());
    }
    assertThat(tasks.findById(taskId)).as("nothing refused is recorded").isEmpty();
  }

  @Test
  void aMissingOrUnknownKeyIsUnauthenticated() throws Exception {
    var taskId = submitted("grpc-keys");
    for (var key : new String[] {null, "not-a-key", OPERATOR_TOKEN}) {
      refusal(
          () -> blocking(key).submitTask(request(newTaskId("grpc-keys"), "acme").build()),
          Status.Code.UNAUTHENTICATED,
          "UNAUTHENTICATED");
      refusal(
          () -> blocking(key).getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build()),
          Status.Code.UNAUTHENTICATED,
          "UNAUTHENTICATED");
      refusal(
          () -> blocking(key).cancelTask(CancelTaskRequest.newBuilder().setTaskId(taskId).build()),
          Status.Code.UNAUTHENTICATED,
          "UNAUTHENTICATED");
      refusal(
          () ->
              blocking(key)
                  .watchTask(WatchTaskRequest.newBuilder().setTaskId(taskId).build())
                  .hasNext(),
          Status.Code.UNAUTHENTICATED,
          "UNAUTHENTICATED");
    }
  }

  @Test
  void aTenantTheKeyMayNotUseIsPermissionDeniedOnSubmitAndNotFoundElsewhere() throws Exception {
    var forbidden = newTaskId("grpc-forbidden");
    var status =
        refusal(
            () -> blocking(ACME_KEY).submitTask(request(forbidden, "globex").build()),
            Status.Code.PERMISSION_DENIED,
            "FORBIDDEN");
    assertThat(errorInfo(status).getMetadataMap()).containsEntry("field", "tenant");
    assertThat(tasks.findById(forbidden)).isEmpty();

    var acmeTask = submitted("grpc-hidden");
    refusal(
        () -> blocking(GLOBEX_KEY).getTask(GetTaskRequest.newBuilder().setTaskId(acmeTask).build()),
        Status.Code.NOT_FOUND,
        "NOT_FOUND");
    refusal(
        () ->
            blocking(GLOBEX_KEY)
                .cancelTask(CancelTaskRequest.newBuilder().setTaskId(acmeTask).build()),
        Status.Code.NOT_FOUND,
        "NOT_FOUND");
    refusal(
        () ->
            blocking(GLOBEX_KEY)
                .watchTask(WatchTaskRequest.newBuilder().setTaskId(acmeTask).build())
                .hasNext(),
        Status.Code.NOT_FOUND,
        "NOT_FOUND");
    refusal(
        () ->
            blocking(ACME_KEY)
                .getTask(GetTaskRequest.newBuilder().setTaskId(RUN + "-no-such-task").build()),
        Status.Code.NOT_FOUND,
        "NOT_FOUND");
  }

  @Test
  void anotherTenantsTaskIdIsAlreadyExists() throws Exception {
    var taskId = submitted("grpc-taken");

    var status =
        refusal(
            () -> blocking(GLOBEX_KEY).submitTask(request(taskId, "globex").build()),
            Status.Code.ALREADY_EXISTS,
            "TASK_ID_TAKEN");

    assertThat(errorInfo(status).getMetadataMap()).containsEntry("field", "taskId");
    assertThat(tasks.findById(taskId).orElseThrow().tenant()).isEqualTo("acme");
  }

  @Test
  void cancelAsksTheWorkflowToCancelAndATaskOverIsAFailedPrecondition() throws Exception {
    var taskId = submitted("grpc-cancel");

    var cancelling =
        blocking(ACME_KEY).cancelTask(CancelTaskRequest.newBuilder().setTaskId(taskId).build());

    assertThat(cancelling.getTaskId()).isEqualTo(taskId);
    assertThat(temporal.fetchHistory(TaskWorkflowIds.forTask(taskId)).getEvents())
        .anyMatch(
            e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);

    finish(
        taskId,
        io.algotask.workflows.model.TaskStatus.CANCELLED,
        io.algotask.workflows.model.ErrorCode.CANCELLED);
    var status =
        refusal(
            () ->
                blocking(ACME_KEY)
                    .cancelTask(CancelTaskRequest.newBuilder().setTaskId(taskId).build()),
            Status.Code.FAILED_PRECONDITION,
            "TASK_OVER");
    assertThat(errorInfo(status).getMetadataMap()).containsEntry("taskStatus", "CANCELLED");
  }

  @Test
  void getTaskCountsTheLateAndRepeatedCallbacksAndNothingElseChanges() {
    var taskId = submitted("grpc-callbacks");
    transitions.markQueued(taskId);
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(600));
    var get = GetTaskRequest.newBuilder().setTaskId(taskId).build();
    var running = blocking(ACME_KEY).getTask(get);
    assertThat(running.getLateCallbacks()).isZero();
    assertThat(running.getRepeatedCallbacks()).isZero();

    transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, "{}");
    transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, "{}"); // again
    transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, "{}"); // and again
    transitions.recordCallback(taskId, 1, ExecutionStatus.FAILED, "{}"); // another outcome: late

    var counted = blocking(ACME_KEY).getTask(get);
    assertThat(counted.getRepeatedCallbacks()).isEqualTo(2);
    assertThat(counted.getLateCallbacks()).isEqualTo(1);
    assertThat(counted.toBuilder().clearRepeatedCallbacks().clearLateCallbacks().build())
        .isEqualTo(running);
  }

  @Test
  void countedCallbacksAddNoEventAndTheNextEventCarriesTheCounts() throws Exception {
    var taskId = submitted("grpc-callback-events");
    transitions.markQueued(taskId);
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(600));
    transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, "{}");
    transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, "{}"); // again
    transitions.recordCallback(taskId, 1, ExecutionStatus.FAILED, "{}"); // late

    var watch = new Watch(watch(taskId, null));
    var current = watch.next();
    assertThat(current.getSequence()).as("the counts made no event").isEqualTo(3);
    assertThat(current.getTask().getRepeatedCallbacks()).as("as it was at the event").isZero();
    assertThat(current.getTask().getLateCallbacks()).as("as it was at the event").isZero();

    finish(taskId, io.algotask.workflows.model.TaskStatus.SUCCEEDED, null);
    var succeeded = watch.next();
    assertThat(succeeded.getSequence()).isEqualTo(4);
    assertThat(succeeded.getTask().getRepeatedCallbacks()).isEqualTo(1);
    assertThat(succeeded.getTask().getLateCallbacks()).isEqualTo(1);
    watch.awaitCompleted();
  }

  @Test
  void healthNeedsNoCredential() {
    var health =
        HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());

    assertThat(health.getStatus()).isEqualTo(ServingStatus.SERVING);
  }

  // --- WatchTask

  /** A WatchTask stream, its events queued as they arrive. */
  private final class Watch implements ClientResponseObserver<WatchTaskRequest, TaskEvent> {
    final BlockingQueue<TaskEvent> events = new LinkedBlockingQueue<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    volatile boolean completed;
    private ClientCallStreamObserver<WatchTaskRequest> call;

    Watch(WatchTaskRequest request) {
      TaskServiceGrpc.newStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(ACME_KEY)))
          .watchTask(request, this);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchTaskRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(TaskEvent event) {
      events.add(event);
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    TaskEvent next() throws InterruptedException {
      var event = events.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(event).as("an event within %s (error: %s)", PATIENCE, error.get()).isNotNull();
      return event;
    }

    void awaitCompleted() throws InterruptedException {
      await("the stream's end", PATIENCE, () -> completed || error.get() != null ? true : null);
      assertThat(error.get()).isNull();
      assertThat(completed).isTrue();
    }

    void cancel() {
      call.cancel("done", null);
    }
  }

  private static WatchTaskRequest watch(String taskId, Long afterSequence) {
    var request = WatchTaskRequest.newBuilder().setTaskId(taskId);
    if (afterSequence != null) {
      request.setAfterSequence(afterSequence);
    }
    return request.build();
  }

  @Test
  void watchingFromTheStartYieldsEveryChangeInOrderUntilTheEnd() throws Exception {
    var taskId = submitted("grpc-watch");
    var watch = new Watch(watch(taskId, 0L));

    var accepted = watch.next();
    transitions.markQueued(taskId);
    var queued = watch.next();
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(600));
    var running = watch.next();
    transitions.recordProgress(taskId, 1, 50, "half way");
    var progressed = watch.next();
    finish(
        taskId,
        io.algotask.workflows.model.TaskStatus.FAILED,
        io.algotask.workflows.model.ErrorCode.ALGORITHM_ERROR);
    var failed = watch.next();
    watch.awaitCompleted();

    assertThat(
            List.of(accepted, queued, running, progressed, failed).stream()
                .map(TaskEvent::getStatus))
        .containsExactly(
            TaskStatus.TASK_STATUS_ACCEPTED,
            TaskStatus.TASK_STATUS_QUEUED,
            TaskStatus.TASK_STATUS_RUNNING,
            TaskStatus.TASK_STATUS_RUNNING,
            TaskStatus.TASK_STATUS_FAILED);
    assertThat(
            List.of(accepted, queued, running, progressed, failed).stream()
                .map(TaskEvent::getSequence))
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(running.getTask().getAttempts()).isEqualTo(1);
    assertThat(running.getTask().hasProgress()).isFalse();
    assertThat(progressed.getTask().getProgress().getPercent()).isEqualTo(50);
    assertThat(progressed.getTask().getProgress().getMessage()).isEqualTo("half way");
    assertThat(failed.getTask().getError().getCode()).isEqualTo("ALGORITHM_ERROR");
    assertThat(failed.getTask().getStatus()).isEqualTo(failed.getStatus());
    assertThat(watch.events).as("nothing after the end").isEmpty();
  }

  @Test
  void watchingWithoutASequenceStartsWithTheCurrentState() throws Exception {
    var taskId = submitted("grpc-current");
    transitions.markQueued(taskId);
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(600));

    var watch = new Watch(watch(taskId, null));
    try {
      var current = watch.next();
      assertThat(current.getStatus()).isEqualTo(TaskStatus.TASK_STATUS_RUNNING);
      assertThat(current.getSequence()).isEqualTo(3);

      transitions.recordProgress(taskId, 1, 10, null);
      var next = watch.next();
      assertThat(next.getSequence()).isEqualTo(4);
      assertThat(next.getTask().getProgress().getPercent()).isEqualTo(10);
      assertThat(watch.completed).isFalse();
    } finally {
      watch.cancel();
    }
  }

  @Test
  void reconnectingAfterASequenceYieldsOnlyTheEventsAfterIt() throws Exception {
    var taskId = submitted("grpc-reconnect");
    transitions.markQueued(taskId);
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(600));

    var watch = new Watch(watch(taskId, 2L));
    var running = watch.next();
    assertThat(running.getSequence()).isEqualTo(3);
    assertThat(running.getStatus()).isEqualTo(TaskStatus.TASK_STATUS_RUNNING);
    finish(taskId, io.algotask.workflows.model.TaskStatus.SUCCEEDED, null);
    var succeeded = watch.next();
    assertThat(succeeded.getSequence()).isEqualTo(4);
    assertThat(succeeded.getStatus()).isEqualTo(TaskStatus.TASK_STATUS_SUCCEEDED);
    watch.awaitCompleted();

    var afterTheEnd = new Watch(watch(taskId, 4L));
    afterTheEnd.awaitCompleted();
    assertThat(afterTheEnd.events).as("nothing after the last event").isEmpty();
  }
}
