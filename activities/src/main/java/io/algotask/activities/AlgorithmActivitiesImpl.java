package io.algotask.activities;

import io.algotask.adapters.algorithms.AlgorithmClient;
import io.algotask.adapters.algorithms.InvocationBody;
import io.algotask.adapters.records.TaskRequest;
import io.algotask.adapters.records.TaskStore;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.slots.SlotHandOff;
import io.algotask.adapters.storage.ObjectStorage;
import io.algotask.adapters.storage.ObjectStorageProperties;
import io.algotask.adapters.storage.S3Location;
import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tokens.CallbackProperties;
import io.algotask.adapters.tokens.CallbackTokens;
import io.algotask.workflows.task.AlgorithmActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

@Component("algorithmActivities")
public class AlgorithmActivitiesImpl implements AlgorithmActivities {
  /** How long one send waits for the service's immediate answer. */
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  /** Busy services that do not say when to come back are asked again after this. */
  private static final Duration BUSY_BACKOFF = Duration.ofSeconds(1);

  /** A URL minted for a deadline already passed still lets a retry read and write. */
  private static final Duration MINIMUM_URL_VALIDITY = Duration.ofMinutes(1);

  private final TaskStore store;
  private final SlotHandOff slots;
  private final AlgorithmRegistry registry;
  private final ObjectStorage storage;
  private final CallbackTokens tokens;
  private final CallbackProperties callbacks;
  private final AlgorithmClient client;
  private final JsonMapper json;

  AlgorithmActivitiesImpl(
      TaskStore store,
      SlotHandOff slots,
      AlgorithmRegistry registry,
      ObjectStorage storage,
      CallbackTokens tokens,
      CallbackProperties callbacks,
      AlgorithmClient client,
      JsonMapper json) {
    this.store = store;
    this.slots = slots;
    this.registry = registry;
    this.storage = storage;
    this.tokens = tokens;
    this.callbacks = callbacks;
    this.client = client;
    this.json = json;
  }

  @Override
  public InvocationResult invoke(Invocation invocation) {
    var task =
        store
            .find(invocation.taskId())
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "no record of task " + invocation.taskId(), "TaskNotRecorded"));
    var request = json.readValue(task.request(), TaskRequest.class);
    var algorithm = registry.require(invocation.algorithm());
    var deadline =
        store.startAttempt(
            invocation.taskId(),
            invocation.attempt(),
            invocation.slotToken(),
            invocation.executionTimeout() == null
                ? invocation.deadline()
                : Instant.now().plus(invocation.executionTimeout()));
    if (!Instant.now().isBefore(deadline)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "attempt " + invocation.attempt() + " was not accepted by its deadline " + deadline,
          "AttemptDeadlinePassed");
    }
    // the hold now ends at this attempt's deadline, however late the first send came after the
    // grant
    slots.claim(
        invocation.algorithm(),
        invocation.taskId(),
        invocation.slotToken(),
        Duration.between(Instant.now(), deadline));

    var body = json.writeValueAsString(bodyOf(invocation, deadline, request));
    AlgorithmClient.Answer answer;
    try {
      answer = client.post(algorithm.endpoint(), body, SEND_TIMEOUT);
    } catch (IOException unreachable) {
      throw ApplicationFailure.newFailure(
          algorithm.endpoint() + " did not answer: " + unreachable, "AlgorithmUnavailable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "AlgorithmUnavailable");
    }
    if (answer.accepted()) {
      store.markAccepted(invocation.taskId(), invocation.attempt());
      return new InvocationResult(true, answer.status(), null, deadline);
    }
    if (answer.refused()) {
      return new InvocationResult(false, answer.status(), answer.bodyExcerpt(), deadline);
    }
    if (answer.busy()) {
      throw ApplicationFailure.newBuilder()
          .setType("AlgorithmBusy")
          .setMessage(algorithm.name() + " is busy (HTTP " + answer.status() + ")")
          .setNextRetryDelay(answer.retryAfter().orElse(BUSY_BACKOFF))
          .build();
    }
    throw ApplicationFailure.newFailure(
        algorithm.name() + " answered HTTP " + answer.status() + ": " + answer.bodyExcerpt(),
        "AlgorithmUnavailable");
  }

  /** Minted on every send, never stored: the URLs and the token stay out of the history. */
  private InvocationBody bodyOf(Invocation invocation, Instant deadline, TaskRequest request) {
    var urlValidity = validityUntil(deadline);
    InvocationBody.Input input = null;
    if (request.input() != null && request.input().uri() != null) {
      var location = S3Location.parse(request.input().uri());
      input =
          new InvocationBody.Input(
              location.uri(), storage.presignGet(location, urlValidity).url().toString());
    }
    var outputLocation =
        storage.outputOf(request.tenant(), invocation.taskId(), invocation.attempt());
    var upload = storage.presignPut(outputLocation, urlValidity);
    var token =
        tokens.mint(
            new CallbackClaims(
                invocation.taskId(),
                invocation.attempt(),
                invocation.algorithm(),
                deadline.plus(callbacks.grace())));
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
        deadline);
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
  private Duration validityUntil(Instant deadline) {
    var grace = storage.properties().invocationUrlGrace();
    var validity = Duration.between(Instant.now(), deadline).plus(grace);
    if (validity.compareTo(ObjectStorageProperties.LONGEST_URL_VALIDITY) > 0) {
      return ObjectStorageProperties.LONGEST_URL_VALIDITY;
    }
    return validity.compareTo(MINIMUM_URL_VALIDITY) < 0 ? MINIMUM_URL_VALIDITY : validity;
  }
}
