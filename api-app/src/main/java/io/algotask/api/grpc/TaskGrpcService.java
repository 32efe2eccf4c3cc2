package io.algotask.api.grpc;

import io.algotask.adapters.records.TaskSnapshots;
import io.algotask.api.ApiProblem;
import io.algotask.api.access.AccessControl;
import io.algotask.api.access.Caller;
import io.algotask.api.tasks.TaskEventHub;
import io.algotask.api.tasks.TaskOperations;
import io.algotask.api.v1.CancelTaskRequest;
import io.algotask.api.v1.GetTaskRequest;
import io.algotask.api.v1.SubmitTaskRequest;
import io.algotask.api.v1.SubmitTaskResponse;
import io.algotask.api.v1.Task;
import io.algotask.api.v1.TaskEvent;
import io.algotask.api.v1.TaskServiceGrpc;
import io.algotask.api.v1.WatchTaskRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** The gRPC door for business services (contract section 6): the same tasks as the HTTP API. */
@Service
class TaskGrpcService extends TaskServiceGrpc.TaskServiceImplBase implements DisposableBean {
  private final AccessControl access;
  private final TaskOperations tasks;
  private final TaskSnapshots snapshots;
  private final TaskEventHub hub;
  private final JsonMapper json;
  private final ExecutorService watchers;

  TaskGrpcService(
      AccessControl access,
      TaskOperations tasks,
      TaskSnapshots snapshots,
      TaskEventHub hub,
      JsonMapper json) {
    this.access = access;
    this.tasks = tasks;
    this.snapshots = snapshots;
    this.hub = hub;
    this.json = json;
    var threads = new AtomicInteger();
    this.watchers =
        Executors.newFixedThreadPool(
            4,
            runnable -> {
              var thread = new Thread(runnable, "task-watch-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public void submitTask(SubmitTaskRequest request, StreamObserver<SubmitTaskResponse> responses) {
    answer(
        responses,
        () -> {
          var submission = tasks.submit(caller(), ProtoMapping.requestJson(request, json));
          return SubmitTaskResponse.newBuilder()
              .setTask(ProtoMapping.toProto(submission.task()))
              .setCreated(submission.created())
              .build();
        });
  }

  @Override
  public void getTask(GetTaskRequest request, StreamObserver<Task> responses) {
    answer(responses, () -> ProtoMapping.toProto(tasks.get(caller(), request.getTaskId())));
  }

  @Override
  public void cancelTask(CancelTaskRequest request, StreamObserver<Task> responses) {
    answer(responses, () -> ProtoMapping.toProto(tasks.cancel(caller(), request.getTaskId())));
  }

  @Override
  public void watchTask(WatchTaskRequest request, StreamObserver<TaskEvent> responses) {
    try {
      tasks.visible(caller(), request.getTaskId());
    } catch (ApiProblem problem) {
      responses.onError(GrpcProblems.toStatus(problem));
      return;
    }
    var watch =
        new TaskWatch(
            request.getTaskId(),
            request.hasAfterSequence() ? request.getAfterSequence() : null,
            (ServerCallStreamObserver<TaskEvent>) responses,
            snapshots,
            tasks,
            watchers);
    watch.start(hub);
  }

  private Caller caller() {
    return access.client(AuthorizationHeader.VALUE.get());
  }

  private static <T> void answer(StreamObserver<T> responses, Supplier<T> call) {
    T answer;
    try {
      answer = call.get();
    } catch (ApiProblem problem) {
      responses.onError(GrpcProblems.toStatus(problem));
      return;
    }
    responses.onNext(answer);
    responses.onCompleted();
  }

  @Override
  public void destroy() {
    watchers.shutdownNow();
  }
}
