package io.algotask.api.grpc;

import io.algotask.adapters.records.TaskSnapshots;
import io.algotask.api.tasks.TaskEventHub;
import io.algotask.api.tasks.TaskOperations;
import io.algotask.api.v1.TaskEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WatchTask stream. Events are read from the records in order, after the last one sent, each
 * time the task may have changed; so a change is never skipped, however fast the task runs, and a
 * client that reconnects with its last sequence misses nothing. The stream ends after the event
 * that ends the task.
 */
final class TaskWatch {
  private static final Logger log = LoggerFactory.getLogger(TaskWatch.class);
  private static final int PAGE = 100;

  private final String taskId;
  private final ServerCallStreamObserver<TaskEvent> responses;
  private final TaskSnapshots snapshots;
  private final TaskOperations tasks;
  private final Executor executor;
  private final AtomicBoolean drainPending = new AtomicBoolean();
  private boolean currentStateFirst;
  private boolean endChecked;
  private long lastSent;
  private boolean closed;
  private AutoCloseable subscription;

  /**
   * @param afterSequence the last event the client has seen, or null to start with the current
   *     state
   */
  TaskWatch(
      String taskId,
      Long afterSequence,
      ServerCallStreamObserver<TaskEvent> responses,
      TaskSnapshots snapshots,
      TaskOperations tasks,
      Executor executor) {
    this.taskId = taskId;
    this.responses = responses;
    this.snapshots = snapshots;
    this.tasks = tasks;
    this.executor = executor;
    this.currentStateFirst = afterSequence == null;
    this.lastSent = afterSequence == null ? 0 : afterSequence;
  }

  void start(TaskEventHub hub) {
    // listening first: a change made while the first events are read is not missed
    subscription = hub.watch(taskId, this::changed);
    responses.setOnCancelHandler(this::close);
    changed();
  }

  private void changed() {
    if (drainPending.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private synchronized void drain() {
    drainPending.set(false);
    try {
      if (currentStateFirst && !closed) {
        currentStateFirst = false;
        var current = snapshots.latestEvent(taskId);
        if (current.isPresent()) {
          send(current.get());
        }
      }
      while (!closed) {
        var events = snapshots.eventsAfter(taskId, lastSent, PAGE);
        for (var event : events) {
          if (closed) {
            return;
          }
          send(event);
        }
        if (events.size() < PAGE) {
          break;
        }
      }
      if (!closed && !endChecked) {
        // a client that reconnects after the last event has nothing more to wait for
        endChecked = true;
        var latest = snapshots.latestEvent(taskId);
        if (latest.isPresent()
            && latest.get().sequence() <= lastSent
            && latest.get().task().status().isTerminal()) {
          responses.onCompleted();
          close();
        }
      }
    } catch (RuntimeException e) {
      log.warn("watching task {} failed: {}", taskId, e.toString());
      fail(e);
    }
  }

  private void send(io.algotask.adapters.records.TaskEvent event) {
    responses.onNext(ProtoMapping.toProto(event, tasks.view(event.task())));
    lastSent = event.sequence();
    if (event.task().status().isTerminal()) {
      responses.onCompleted();
      close();
    }
  }

  private void fail(RuntimeException e) {
    if (!closed) {
      responses.onError(
          Status.UNAVAILABLE.withDescription("the task's events could not be read").asException());
      close();
    }
  }

  private synchronized void close() {
    closed = true;
    try {
      if (subscription != null) {
        subscription.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
