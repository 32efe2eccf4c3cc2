package io.algotask.client;

import io.algotask.api.v1.CancelTaskRequest;
import io.algotask.api.v1.GetTaskRequest;
import io.algotask.api.v1.TaskServiceGrpc;
import io.algotask.api.v1.WatchTaskRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The gRPC door (contract section 6): {@code algotask.v1.TaskService} with a client key in the
 * {@code authorization} metadata. Refusals are thrown as {@link AlgotaskApiException}, read from
 * the status details. Safe for use by many threads.
 */
public final class GrpcTaskClient implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** How long a watch waits before it connects again after the server went away. */
  private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final TaskServiceGrpc.TaskServiceBlockingStub stub;
  private final Duration callTimeout;

  /**
   * @param channel a channel of the caller's (its TLS, load balancing), left open by {@link #close}
   */
  public GrpcTaskClient(ManagedChannel channel, String clientKey, Duration callTimeout) {
    this(channel, false, clientKey, callTimeout);
  }

  private GrpcTaskClient(
      ManagedChannel channel, boolean ownsChannel, String clientKey, Duration callTimeout) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    var headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + clientKey);
    this.stub =
        TaskServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    this.callTimeout = callTimeout;
  }

  /**
   * A client with a plaintext channel of its own to {@code target} (e.g. {@code 127.0.0.1:9090});
   * for TLS, pass a channel of your own to the constructor.
   */
  public static GrpcTaskClient connect(String target, String clientKey) {
    return new GrpcTaskClient(
        ManagedChannelBuilder.forTarget(target).usePlaintext().build(),
        true,
        clientKey,
        Duration.ofSeconds(30));
  }

  /**
   * Submits the task: {@code created} is false when its taskId was known already, and the existing
   * task stands.
   *
   * @throws AlgotaskApiException.InvalidTaskException naming the broken rule and its field; nothing
   *     was recorded
   */
  public Submission submit(TaskRequest request) {
    var answer = call(() -> timed().submitTask(ProtoWire.request(request)));
    return new Submission(ProtoWire.task(answer.getTask()), answer.getCreated());
  }

  /** The task as recorded now. */
  public Task get(String taskId) {
    return ProtoWire.task(
        call(() -> timed().getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build())));
  }

  /**
   * Cancels the task; it ends {@code CANCELLED} with one result.
   *
   * @throws AlgotaskApiException.TaskOverException when it is over already
   */
  public Task cancel(String taskId) {
    return ProtoWire.task(
        call(() -> timed().cancelTask(CancelTaskRequest.newBuilder().setTaskId(taskId).build())));
  }

  /**
   * Follows the task's changes until it ends, handing each to {@code onEvent} in order, the current
   * state first; returns the task as it ended. When the stream breaks (an api-app restarted), it
   * connects again with the last sequence it saw, so no change is missed nor handed over twice.
   *
   * @throws AlgotaskException when the task has not ended within {@code timeout}
   */
  public Task watch(String taskId, Duration timeout, Consumer<TaskEvent> onEvent) {
    var deadline = Instant.now().plus(timeout);
    TaskEvent last = null;
    while (true) {
      var request = WatchTaskRequest.newBuilder().setTaskId(taskId);
      if (last != null) {
        request.setAfterSequence(last.sequence());
      }
      var remaining = Duration.between(Instant.now(), deadline);
      try {
        var events =
            stub.withDeadlineAfter(Math.max(1, remaining.toMillis()), TimeUnit.MILLISECONDS)
                .watchTask(request.build());
        while (events.hasNext()) {
          last = ProtoWire.event(events.next());
          onEvent.accept(last);
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
          throw new AlgotaskException("task " + taskId + " did not end within " + timeout, e);
        }
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE
            || Instant.now().plus(RECONNECT_DELAY).isAfter(deadline)) {
          throw translated(e);
        }
        pause(taskId);
        continue;
      }
      if (last != null && last.status().isTerminal()) {
        return last.task();
      }
      // the stream ended before the task did (the server went away in order): connect again
      pause(taskId);
    }
  }

  private static void pause(String taskId) {
    try {
      Thread.sleep(RECONNECT_DELAY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlgotaskException("interrupted while watching task " + taskId, e);
    }
  }

  private TaskServiceGrpc.TaskServiceBlockingStub timed() {
    return stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw translated(e);
    }
  }

  private static AlgotaskException translated(StatusRuntimeException e) {
    var refusal = ProtoWire.refusal(e);
    return refusal != null
        ? refusal
        : new AlgotaskException("gRPC call failed: " + e.getStatus(), e);
  }

  @Override
  public void close() throws InterruptedException {
    if (ownsChannel) {
      channel.shutdown();
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    }
  }
}
