package io.algotask.activities;

import io.algotask.adapters.algorithms.AlgorithmClient;
import io.algotask.adapters.algorithms.InvocationBody;
import io.algotask.adapters.algorithms.Redaction;
import io.algotask.adapters.contract.TaskRequest;
import io.algotask.adapters.logging.TaskLogContext;
import io.algotask.adapters.metrics.TaskMetrics;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.records.TaskTransitions.AttemptState;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.adapters.storage.ObjectStorage;
import io.algotask.adapters.storage.ObjectStorageProperties;
import io.algotask.adapters.storage.S3Location;
import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tokens.CallbackProperties;
import io.algotask.adapters.tokens.CallbackTokens;
import io.algotask.workflows.task.AlgorithmActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

@Component("algorithmActivities")
public class AlgorithmActivitiesImpl implements AlgorithmActivities {
  private static final Logger log = LoggerFactory.getLogger(AlgorithmActivitiesImpl.class);

  /** How long one send waits for the service's immediate answer. */
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  /** Busy services that do not say when to come back are asked again after this. */
  private static final Duration BUSY_BACKOFF = Duration.ofSeconds(1);

  /** A URL minted for a deadline already passed still lets a retry read and write. */
  private static final Duration MINIMUM_URL_VALIDITY = Duration.ofMinutes(1);

  /** A resend after a failure that names no delay waits this long, doubled each time. */
  private static final Duration RESEND_BACKOFF = Duration.ofSeconds(1);

  private static final Duration LONGEST_RESEND_BACKOFF = Duration.ofSeconds(30);

  /** How often a resend heartbeats while it waits: how soon it hears of a cancel. */
  private static final Duration WAITING_STEP = Duration.ofMillis(200);

  private final TaskTransitions transitions;
  private final AlgorithmSlots slots;
  private final AlgorithmRegistry registry;
  private final ObjectStorage storage;
  private final CallbackTokens tokens;
  private final CallbackProperties callbacks;
  private final AlgorithmClient client;
  private final JsonMapper json;
  private final TaskMetrics metrics;

  AlgorithmActivitiesImpl(
      TaskTransitions transitions,
      AlgorithmSlots slots,
      AlgorithmRegistry registry,
      ObjectStorage storage,
      CallbackTokens tokens,
      CallbackProperties callbacks,
      AlgorithmClient client,
      JsonMapper json,
      TaskMetrics metrics) {
    this.transitions = transitions;
    this.slots = slots;
    this.registry = registry;
    this.storage = storage;
    this.tokens = tokens;
    this.callbacks = callbacks;
    this.client = client;
    this.json = json;
    this.metrics = metrics;
  }

  /** One attempt ready to be sent: its body, fixed at its first send, and what it must hide. */
  private record Send(
      Invocation invocation,
      URI endpoint,
      String algorithm,
      Instant deadline,
      String body,
      Redaction redaction) {}

  @Override
  public InvocationResult invoke(Invocation invocation) {
    try (var logged = logContextOf(invocation)) {
      return sendOnce(prepare(invocation), () -> {});
    }
  }

  @Override
  public InvocationResult resend(Invocation invocation) {
    try (var logged = logContextOf(invocation)) {
      return resendLogged(invocation);
    }
  }

  private static TaskLogContext logContextOf(Invocation invocation) {
    return TaskLogContext.of(invocation.taskId(), invocation.algorithm(), invocation.attempt());
  }

  private InvocationResult resendLogged(Invocation invocation) {
    var context = Activity.getExecutionContext();
    var send = prepare(invocation);
    var backoff = RESEND_BACKOFF;
    while (true) {
      ApplicationFailure failure;
      try {
        var result = sendOnce(send, new Heartbeat(context));
        if (result.accepted()) {
          // a resend follows a first send that failed, often with a busy answer
          slots.takenAfterRefusal(new SlotTask(send.algorithm(), invocation.taskId()));
        }
        return result;
      } catch (ApplicationFailure failed) {
        if (failed.isNonRetryable()) {
          throw failed;
        }
        failure = failed;
      }
      var wait = failure.getNextRetryDelay();
      if (wait == null) {
        wait = backoff;
        backoff = backoff.multipliedBy(2);
        backoff = backoff.compareTo(LONGEST_RESEND_BACKOFF) > 0 ? LONGEST_RESEND_BACKOFF : backoff;
      }
      if (!Instant.now().plus(wait).isBefore(send.deadline())) {
        throw ApplicationFailure.newNonRetryableFailure(
            failure.getOriginalMessage(), "AttemptNotAccepted");
      }
      waitHeartbeating(context, wait);
      sendable(invocation);
    }
  }

  /**
   * Records the attempt (at its first send) and reads it back with its task's request in one
   * statement, takes a look at it, and fixes its body: every send of the attempt carries the same
   * one, minted from what its first send recorded.
   */
  private Send prepare(Invocation invocation) {
    var algorithm = registry.require(invocation.algorithm());
    var started =
        transitions
            .startAttempt(
                invocation.taskId(),
                invocation.attempt(),
                invocation.slotToken(),
                invocation.executionTimeout() == null
                    ? invocation.deadline()
                    : Instant.now().plus(invocation.executionTimeout()))
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "no record of task " + invocation.taskId(), "TaskNotRecorded"));
    var recorded = started.attempt();
    if (!started.taskStarted()) {
      throw notSent(
          invocation,
          started.taskStatus().isTerminal()
              ? "its task is " + started.taskStatus()
              : "its task ended meanwhile");
    }
    if (recorded == null) {
      // recorded by a send running at the same time, after this statement's snapshot: look again
      throw ApplicationFailure.newFailure(
          "attempt " + invocation.attempt() + " is being recorded by another send",
          "AttemptRecordedMeanwhile");
    }
    if (!Instant.now().isBefore(recorded.deadline())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "attempt "
              + invocation.attempt()
              + " was not accepted by its deadline "
              + recorded.deadline(),
          "AttemptDeadlinePassed");
    }
    sendable(invocation, recorded);
    // the hold now ends at this attempt's deadline, however late the first send came after the
    // grant
    slots.claim(
        new SlotTask(invocation.algorithm(), invocation.taskId()).holding(invocation.slotToken()),
        Duration.between(Instant.now(), recorded.deadline()));
    var request = json.readValue(started.requestJson(), TaskRequest.class);
    if (started.firstSend()) {
      metrics.attemptStarted(
          algorithm.name(),
          request.tenant(),
          invocation.attempt(),
          started.submittedAt(),
          recorded.invokedAt());
    }
    var body = bodyOf(invocation, recorded, request);
    var secrets = new ArrayList<String>();
    secrets.add(body.callback().token());
    secrets.add(body.output().uploadUrl());
    if (body.input() != null) {
      secrets.add(body.input().url());
    }
    return new Send(
        invocation,
        algorithm.endpoint(),
        algorithm.name(),
        recorded.deadline(),
        json.writeValueAsString(body),
        Redaction.of(secrets));
  }

  /**
   * The attempt as recorded, if it may still be sent: a cancel, a callback or the workflow may have
   * closed it, or ended its task, since the last look (its slot may be another task's by now).
   */
  private AttemptState sendable(Invocation invocation) {
    return sendable(
        invocation,
        transitions
            .attemptState(invocation.taskId(), invocation.attempt())
            .orElseThrow(() -> notSent(invocation, "it is not recorded")));
  }

  private static AttemptState sendable(Invocation invocation, AttemptState state) {
    if (!state.sendable()) {
      throw notSent(
          invocation,
          state.status().isOpen()
              ? "its task is " + state.taskStatus()
              : "it is " + state.status());
    }
    return state;
  }

  private static ApplicationFailure notSent(Invocation invocation, String why) {
    return ApplicationFailure.newNonRetryableFailure(
        "attempt "
            + invocation.attempt()
            + " of task "
            + invocation.taskId()
            + " is not sent: "
            + why,
        "AttemptClosed");
  }

  /** One send; the caller has just looked at the attempt ({@link #sendable}). */
  private InvocationResult sendOnce(Send send, Runnable whileWaiting) {
    var invocation = send.invocation();
    AlgorithmClient.Answer answer;
    try {
      answer =
          client.post(send.endpoint(), send.body(), SEND_TIMEOUT, send.redaction(), whileWaiting);
    } catch (IOException unreachable) {
      throw ApplicationFailure.newFailure(
          send.endpoint() + " did not answer: " + unreachable, "AlgorithmUnavailable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "AlgorithmUnavailable");
    }
    log.debug(
        "attempt {} of {} sent: HTTP {}",
        invocation.attempt(),
        invocation.taskId(),
        answer.status());
    if (answer.accepted()) {
      transitions.markAccepted(invocation.taskId(), invocation.attempt());
      return new InvocationResult(true, answer.status(), null, send.deadline());
    }
    if (whileWaiting instanceof Heartbeat heartbeat) {
      heartbeat.endIfCancelled(); // the answer did not start the task: nothing more to wait for
    }
    if (answer.refused()) {
      return new InvocationResult(false, answer.status(), answer.bodyExcerpt(), send.deadline());
    }
    if (answer.busy()) {
      slots.refused(new SlotTask(send.algorithm(), invocation.taskId()), "HTTP " + answer.status());
      throw ApplicationFailure.newBuilder()
          .setType("AlgorithmBusy")
          .setMessage(send.algorithm() + " is busy (HTTP " + answer.status() + ")")
          .setNextRetryDelay(answer.retryAfter().orElse(BUSY_BACKOFF))
          .build();
    }
    throw ApplicationFailure.newFailure(
        send.algorithm() + " answered HTTP " + answer.status() + ": " + answer.bodyExcerpt(),
        "AlgorithmUnavailable");
  }

  /**
   * Heartbeats while a send is under way. A cancel (or the activity's end) heard meanwhile waits
   * for the answer: the send is out, and its answer says whether the algorithm started the task.
   */
  private static final class Heartbeat implements Runnable {
    private final ActivityExecutionContext context;
    private ActivityCompletionException ended;

    Heartbeat(ActivityExecutionContext context) {
      this.context = context;
    }

    @Override
    public void run() {
      if (ended == null) {
        try {
          context.heartbeat(null);
        } catch (ActivityCompletionException e) {
          ended = e;
        }
      }
    }

    void endIfCancelled() {
      if (ended != null) {
        throw ended;
      }
    }
  }

  /** Waits between two sends, heartbeating: a cancel heard meanwhile ends the activity at once. */
  private static void waitHeartbeating(ActivityExecutionContext context, Duration wait) {
    var until = System.nanoTime() + wait.toNanos();
    context.heartbeat(null);
    while (System.nanoTime() < until) {
      try {
        Thread.sleep(
            Math.min(WAITING_STEP.toMillis(), (until - System.nanoTime()) / 1_000_000 + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure("interrupted", "AlgorithmUnavailable");
      }
      context.heartbeat(null);
    }
  }

  /**
   * The body of every send of an attempt. The token is minted from the recorded deadline, and the
   * URLs are signed as at the attempt's first send until its deadline plus the grace: the same
   * every time, never stored, so that they stay out of the history.
   */
  private InvocationBody bodyOf(Invocation invocation, AttemptState recorded, TaskRequest request) {
    var signedAt = recorded.invokedAt();
    var urlValidity = validityUntil(signedAt, recorded.deadline());
    InvocationBody.Input input = null;
    if (request.input() != null && request.input().uri() != null) {
      var location = S3Location.parse(request.input().uri());
      input =
          new InvocationBody.Input(
              location.uri(),
              storage.presignGetAsAt(location, signedAt, urlValidity).url().toString());
    }
    var outputLocation =
        storage.outputOf(request.tenant(), invocation.taskId(), invocation.attempt());
    var upload = storage.presignPutAsAt(outputLocation, signedAt, urlValidity);
    var token =
        tokens.mint(
            new CallbackClaims(
                invocation.taskId(),
                invocation.attempt(),
                invocation.algorithm(),
                recorded.deadline().plus(callbacks.grace())));
    return new InvocationBody(
        invocation.taskId(),
        invocation.attempt(),
        invocation.algorithm(),
        request.tenant(),
        request.params(),
        input,
        new InvocationBody.Output(
            outputLocation.uri(), upload.url().toString(), upload.expiresAt()),
        new InvocationBody.Callback(callbackUrl(invocation.taskId()).toString(), token),
        recorded.deadline());
  }

  private URI callbackUrl(String taskId) {
    var base = callbacks.baseUrl().toString();
    return URI.create(
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
            + "/v1/tasks/"
            + taskId
            + "/callback");
  }

  /**
   * The URLs work until a little after the deadline (algotask.storage.invocation-url-grace): an
   * algorithm finishing late may still write. Never longer than S3 allows, never none at all.
   */
  private Duration validityUntil(Instant signedAt, Instant deadline) {
    var grace = storage.properties().invocationUrlGrace();
    var validity = Duration.between(signedAt, deadline).plus(grace);
    if (validity.compareTo(ObjectStorageProperties.LONGEST_URL_VALIDITY) > 0) {
      return ObjectStorageProperties.LONGEST_URL_VALIDITY;
    }
    return validity.compareTo(MINIMUM_URL_VALIDITY) < 0 ? MINIMUM_URL_VALIDITY : validity;
  }
}
