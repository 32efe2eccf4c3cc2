package io.algotask.api.callback;

import io.algotask.adapters.logging.TaskLogContext;
import io.algotask.adapters.metrics.TaskMetrics;
import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.records.TaskTransitions.CallbackDecision;
import io.algotask.adapters.results.ReportedText;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.adapters.storage.ObjectStorage;
import io.algotask.adapters.storage.S3Location;
import io.algotask.adapters.temporal.TaskSignals;
import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tracing.TaskSpans;
import io.algotask.api.ApiProblem;
import io.algotask.workflows.model.CallbackReport;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * What happens to an algorithm's report on an attempt (contract section 4). A callback is recorded
 * first, with a compare-and-set on the attempt's execution row that the workflow's timeout path
 * uses too, so the record decides whether it is accepted, a repeat or late. The callback that
 * decides an attempt whose invocation was accepted hands the attempt's slot on at once (the
 * algorithm is done with it, and no send of the attempt can follow), before the workflow is
 * signalled, so the next waiter does not wait for the finished task's workflow. Progress is stored
 * on the task for readers and watchers, not signalled.
 */
@Service
public class CallbackService {
  private static final Logger log = LoggerFactory.getLogger(CallbackService.class);

  /** How a callback was taken. */
  public enum Receipt {
    /** The first report of the attempt: recorded, its slot handed on, the workflow signalled. */
    ACCEPTED,
    /** The same report again: counted on the task as repeated, nothing else changes. */
    ACCEPTED_BEFORE
  }

  private final TaskTransitions transitions;
  private final AlgorithmSlots slots;
  private final TaskSignals signals;
  private final ObjectStorage storage;
  private final JsonMapper json;
  private final TaskSpans spans;
  private final TaskMetrics metrics;

  CallbackService(
      TaskTransitions transitions,
      AlgorithmSlots slots,
      TaskSignals signals,
      ObjectStorage storage,
      JsonMapper json,
      TaskSpans spans,
      TaskMetrics metrics) {
    this.transitions = transitions;
    this.slots = slots;
    this.signals = signals;
    this.storage = storage;
    this.json = json;
    this.spans = spans;
    this.metrics = metrics;
  }

  /**
   * Records a callback and signals the workflow. A callback for an attempt that is over (timed out,
   * cancelled, or reported otherwise) is recorded as late and refused.
   *
   * @param arrivedAt when it arrived: an attempt is over at its deadline, so arrival decides
   */
  public Receipt report(
      String taskId, CallbackClaims claims, CallbackBody callback, Instant arrivedAt) {
    try (var logged = TaskLogContext.of(taskId, claims.algorithm(), claims.attempt())) {
      return reportLogged(taskId, claims, callback, arrivedAt);
    }
  }

  private Receipt reportLogged(
      String taskId, CallbackClaims claims, CallbackBody callback, Instant arrivedAt) {
    requireClaimedAttempt(claims, callback.attempt());
    var tenant = transitions.tenantOf(taskId).orElseThrow(() -> ApiProblem.notFound(taskId));
    var report = reportOf(callback, tenant, taskId);
    var decision =
        transitions.decideCallback(
            taskId,
            report.attempt(),
            report.succeeded() ? ExecutionStatus.SUCCEEDED : ExecutionStatus.FAILED,
            json.writeValueAsString(report),
            arrivedAt);
    log.debug("callback of {} for attempt {}: {}", taskId, report.attempt(), decision.verdict());
    metrics.callback(
        claims.algorithm(), tenant, decision.verdict(), decision.invokedAt(), arrivedAt);
    return switch (decision.verdict()) {
      case ACCEPTED -> {
        var span = spans.callback(decision.traceParent(), taskId, report.attempt());
        try (var inTheTasksTrace = span.makeCurrent()) {
          if (slots.queuedTooLong(callback.queueMillis())) {
            // before the hand-on, whose release would otherwise count the slots as calm
            slots.congested(claims.algorithm(), "queued " + callback.queueMillis() + " ms");
          }
          handOnSlot(taskId, decision);
          signal(taskId, report);
        } finally {
          span.end();
        }
        yield Receipt.ACCEPTED;
      }
      case REPEATED -> {
        // the workflow keeps the first report: signal again only if it may not have one, so that
        // repeats add nothing to its history
        if (transitions.callbackSignalPending(taskId, report.attempt())) {
          signal(taskId, report);
        }
        yield Receipt.ACCEPTED_BEFORE;
      }
      case ATTEMPT_OVER ->
          throw attemptOver(
              "attempt " + report.attempt() + " is over; the callback was recorded as late");
      case NO_SUCH_ATTEMPT -> throw noSuchAttempt(taskId, report.attempt());
    };
  }

  /** Stores what the algorithm says of a running attempt on the task. */
  public void progress(String taskId, CallbackClaims claims, ProgressBody progress) {
    try (var logged = TaskLogContext.of(taskId, claims.algorithm(), claims.attempt())) {
      progressLogged(taskId, claims, progress);
    }
  }

  private void progressLogged(String taskId, CallbackClaims claims, ProgressBody progress) {
    requireClaimedAttempt(claims, progress.attempt());
    if (transitions.tenantOf(taskId).isEmpty()) {
      throw ApiProblem.notFound(taskId);
    }
    var verdict =
        transitions.recordProgress(
            taskId,
            progress.attempt(),
            progress.percent(),
            ReportedText.message(progress.message()));
    switch (verdict) {
      case ACCEPTED -> {}
      case ATTEMPT_OVER -> throw attemptOver("attempt " + progress.attempt() + " is over");
      case NO_SUCH_ATTEMPT -> throw noSuchAttempt(taskId, progress.attempt());
    }
  }

  /** A token speaks for one attempt: a report of another is refused like a foreign token. */
  private static void requireClaimedAttempt(CallbackClaims claims, int attempt) {
    if (attempt != claims.attempt()) {
      throw new ApiProblem(
          ApiProblem.Kind.UNAUTHENTICATED,
          "UNAUTHENTICATED",
          null,
          "the token was issued for another attempt");
    }
  }

  /**
   * The report as the workflow gets it. An output must lie where this attempt was told to write: an
   * algorithm cannot have Algotask hand out URLs to other objects.
   */
  private CallbackReport reportOf(CallbackBody callback, String tenant, String taskId) {
    var status = CallbackReport.Outcome.valueOf(callback.status());
    CallbackReport.Output output = null;
    if (status == CallbackReport.Outcome.SUCCEEDED) {
      var given = callback.output();
      var handedOut = storage.outputOf(tenant, taskId, callback.attempt());
      var uri = given == null || given.uri() == null ? handedOut.uri() : given.uri();
      S3Location location;
      try {
        location = S3Location.parse(uri);
      } catch (IllegalArgumentException e) {
        throw invalidOutput("output.uri: " + e.getMessage());
      }
      if (!location.equals(handedOut)) {
        throw invalidOutput("output.uri: must be the uri this attempt was given, " + handedOut);
      }
      output =
          new CallbackReport.Output(
              location.uri(),
              given == null ? null : ReportedText.name(given.contentType()),
              given == null ? null : given.sizeBytes());
    }
    var error =
        callback.error() == null
            ? null
            : new CallbackReport.Error(
                ReportedText.name(callback.error().code()),
                ReportedText.message(callback.error().message()),
                callback.error().retryable());
    return new CallbackReport(callback.attempt(), status, output, error);
  }

  /**
   * The attempt is decided and its algorithm done with it: its slot goes to the next waiter now, as
   * the workflow's own release would hand it on later. Not when the record has no accepted send of
   * the attempt: a resend may still go out, and the workflow releases once it has stopped. The
   * token frees only the slot it still names, so a slot the workflow released or lost meanwhile
   * stays as it is, and the workflow's later release of this token frees nothing. A release that
   * fails (Redis away) leaves the slot to that later release.
   */
  private void handOnSlot(String taskId, CallbackDecision decision) {
    if (decision.slotToken() == null) {
      return;
    }
    var slot = new SlotTask(decision.algorithm(), taskId).holding(decision.slotToken());
    try {
      slots.release(slot);
    } catch (RuntimeException e) {
      log.warn(
          "callback of {} recorded, its slot {} left to the workflow to release: {}",
          taskId,
          slot.token(),
          e.toString());
    }
  }

  /** The record decides; a failed signal is made good by the workflow reading that record. */
  private void signal(String taskId, CallbackReport report) {
    try {
      signals.callbackReceived(taskId, report);
    } catch (RuntimeException e) {
      log.warn("callback of {} recorded, signal failed: {}", taskId, e.toString());
      return;
    }
    try {
      transitions.markCallbackSignalled(taskId, report.attempt());
    } catch (RuntimeException e) { // a repeat signals once more: harmless
      log.warn("callback of {} signalled, not noted as such: {}", taskId, e.toString());
    }
  }

  private static ApiProblem invalidOutput(String rule) {
    return new ApiProblem(ApiProblem.Kind.INVALID, "INVALID_REQUEST", "output.uri", rule);
  }

  private static ApiProblem attemptOver(String detail) {
    return new ApiProblem(ApiProblem.Kind.CONFLICT, "ATTEMPT_OVER", null, detail);
  }

  private static ApiProblem noSuchAttempt(String taskId, int attempt) {
    return new ApiProblem(
        ApiProblem.Kind.NOT_FOUND, "NOT_FOUND", null, "no attempt " + attempt + " of " + taskId);
  }
}
