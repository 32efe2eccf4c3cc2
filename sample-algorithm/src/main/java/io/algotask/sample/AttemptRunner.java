package io.algotask.sample;

import io.algotask.sample.Outcome.StepFailedException;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Does an accepted attempt's work: waits out its latency, reads the input (counting its bytes and
 * hashing it), writes an output document to the presigned upload URL, then calls back (or not, or
 * late, or twice, as its plan says). All I/O is asynchronous, so a few threads carry hundreds of
 * attempts in flight.
 */
final class AttemptRunner {
  static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(60);

  /** A late callback goes out this long after the attempt's deadline. */
  static final Duration LATE_CALLBACK_DELAY = Duration.ofSeconds(1);

  private static final System.Logger LOG = System.getLogger(AttemptRunner.class.getName());

  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Executor workers;
  private final JsonMapper json;
  private final CallbackSender callbacks;
  private volatile boolean stopped;

  AttemptRunner(
      HttpClient http, ScheduledExecutorService timer, Executor workers, JsonMapper json) {
    this.http = http;
    this.timer = timer;
    this.workers = workers;
    this.json = json;
    this.callbacks = new CallbackSender(http, timer, () -> stopped);
  }

  /** The server is closing: abandon all work quietly, start no callback. */
  void stop() {
    stopped = true;
  }

  void start(Attempt attempt, Invocation invocation, AttemptPlan plan) {
    // the timer only waits; the work itself runs on the workers
    Runnable work = () -> workers.execute(() -> work(attempt, invocation, plan));
    attempt.pendingWork(timer.schedule(work, plan.latencyMs(), TimeUnit.MILLISECONDS));
  }

  private void work(Attempt attempt, Invocation invocation, AttemptPlan plan) {
    if (stopped || attempt.isCancelled()) {
      return;
    }
    CompletableFuture<Outcome> outcome;
    try {
      outcome =
          plan.fail()
              ? CompletableFuture.completedFuture(
                  Outcome.failed("SAMPLE_FAILURE", "the sample algorithm failed on purpose"))
              : readInput(invocation)
                  .thenCompose(
                      input ->
                          attempt.isCancelled()
                              ? CompletableFuture.completedFuture(null)
                              : writeOutput(attempt, invocation, input));
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    outcome
        .exceptionally(Outcome::fromError)
        .thenAccept(result -> conclude(attempt, invocation, plan, result))
        .exceptionally(
            bug -> {
              if (!stopped) {
                LOG.log(Level.ERROR, "attempt " + attempt.key() + " broke down", bug);
              }
              return null;
            });
  }

  private CompletableFuture<InputDigest> readInput(Invocation invocation) {
    if (invocation.inputUrl() == null) {
      return CompletableFuture.completedFuture(InputDigest.NONE);
    }
    HttpRequest request =
        HttpRequest.newBuilder(invocation.inputUrl()).timeout(TRANSFER_TIMEOUT).GET().build();
    HttpResponse.BodyHandler<InputDigest> digesting =
        responseInfo ->
            HttpResponse.BodySubscribers.fromSubscriber(
                new InputDigest.Subscriber(), InputDigest.Subscriber::result);
    return http.sendAsync(request, digesting)
        .handle(
            (response, error) -> {
              if (error != null) {
                throw new StepFailedException(
                    "INPUT_DOWNLOAD_FAILED", "reading the input failed: " + describe(error));
              }
              if (response.statusCode() / 100 != 2) {
                throw new StepFailedException(
                    "INPUT_DOWNLOAD_FAILED",
                    "reading the input answered HTTP " + response.statusCode());
              }
              return response.body();
            });
  }

  private CompletableFuture<Outcome> writeOutput(
      Attempt attempt, Invocation invocation, InputDigest input) {
    byte[] document = outputDocument(attempt, invocation, input);
    // a presigned S3 PUT: exactly one Content-Type header, a fixed length, nothing else signed
    HttpRequest request =
        HttpRequest.newBuilder(invocation.uploadUrl())
            .timeout(TRANSFER_TIMEOUT)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(document))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, error) -> {
              if (error != null) {
                throw new StepFailedException(
                    "OUTPUT_UPLOAD_FAILED", "writing the output failed: " + describe(error));
              }
              if (response.statusCode() / 100 != 2) {
                throw new StepFailedException(
                    "OUTPUT_UPLOAD_FAILED",
                    "writing the output answered HTTP " + response.statusCode());
              }
              return Outcome.succeeded(document.length);
            });
  }

  private void conclude(Attempt attempt, Invocation invocation, AttemptPlan plan, Outcome outcome) {
    if (outcome == null || stopped) {
      return; // cancelled between reading and writing, or the server is closing
    }
    if (plan.withholdCallback()) {
      if (attempt.withholdCallback()) {
        attempt.counters().noCallback.incrementAndGet();
      }
      return;
    }
    if (plan.lateCallback()) {
      if (attempt.holdCallback()) {
        holdUntilAfterTheDeadline(attempt, invocation, plan, outcome);
      }
      return;
    }
    if (attempt.startCallback()) {
      callBack(attempt, invocation, plan, outcome, CallbackKind.ON_TIME);
    }
  }

  private void holdUntilAfterTheDeadline(
      Attempt attempt, Invocation invocation, AttemptPlan plan, Outcome outcome) {
    Runnable callLate =
        () -> {
          if (!stopped && attempt.startLateCallback()) {
            callBack(attempt, invocation, plan, outcome, CallbackKind.LATE);
          }
        };
    long untilDeadlineMs = SampleAlgorithm.millisUntil(invocation.deadline());
    long lateByMs = LATE_CALLBACK_DELAY.toMillis();
    long delayMs =
        untilDeadlineMs > Long.MAX_VALUE - lateByMs ? Long.MAX_VALUE : untilDeadlineMs + lateByMs;
    try {
      attempt.pendingWork(
          timer.schedule(() -> workers.execute(callLate), delayMs, TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException serverClosed) {
      // nobody will hear of this attempt any more
    }
  }

  /**
   * Sends the attempt's report; once it was answered, the same report again and then the other
   * status, as the plan says.
   */
  private void callBack(
      Attempt attempt,
      Invocation invocation,
      AttemptPlan plan,
      Outcome outcome,
      CallbackKind kind) {
    CompletableFuture<Integer> report = send(attempt, invocation, outcome, kind);
    report
        .thenCompose(
            status -> {
              if (status == CallbackSender.UNDELIVERED || stopped) {
                return CompletableFuture.completedFuture(null);
              }
              CompletableFuture<Integer> repeated =
                  plan.repeatCallback()
                      ? send(attempt, invocation, outcome, CallbackKind.REPEATED)
                      : CompletableFuture.completedFuture(null);
              return repeated.thenCompose(
                  ignored ->
                      plan.conflictingCallback() && !stopped
                          ? send(
                              attempt, invocation, contradicting(outcome), CallbackKind.CONFLICTING)
                          : CompletableFuture.completedFuture(null));
            })
        .exceptionally(
            bug -> {
              if (!stopped) {
                LOG.log(Level.ERROR, "callbacks of " + attempt.key() + " broke down", bug);
              }
              return null;
            });
  }

  private CompletableFuture<Integer> send(
      Attempt attempt, Invocation invocation, Outcome outcome, CallbackKind kind) {
    return callbacks.send(
        attempt,
        kind,
        invocation.callbackUrl(),
        invocation.callbackToken(),
        outcome.succeeded(),
        callbackBody(invocation, outcome));
  }

  /** A valid report of the other status: no output was written for a made-up success. */
  private static Outcome contradicting(Outcome outcome) {
    return outcome.succeeded()
        ? Outcome.failed(
            "SAMPLE_CONFLICT",
            "the sample algorithm contradicts its earlier callback on purpose"
                + " (conflictingCallbackRate)")
        : Outcome.succeeded(0);
  }

  private byte[] outputDocument(Attempt attempt, Invocation invocation, InputDigest input) {
    ObjectNode document = json.createObjectNode();
    document.put("taskId", invocation.taskId());
    document.put("attempt", invocation.attempt());
    document.put(
        "algorithm", invocation.algorithm() != null ? invocation.algorithm() : attempt.algorithm());
    document.put("tenant", invocation.tenant());
    document.put("inputUri", invocation.inputUri());
    document.put("inputBytes", input.bytes());
    document.put("inputSha256", input.sha256());
    if (invocation.params() != null) {
      document.set("params", invocation.params());
    } else {
      document.putObject("params");
    }
    document.put(
        "summary",
        input.sha256() == null
            ? "sample-algorithm ran without an input document"
            : "sample-algorithm read " + input.bytes() + " bytes of input");
    return json.writeValueAsBytes(document);
  }

  private byte[] callbackBody(Invocation invocation, Outcome outcome) {
    ObjectNode body = json.createObjectNode();
    body.put("attempt", invocation.attempt());
    body.put("status", outcome.status());
    if (outcome.succeeded()) {
      ObjectNode output = body.putObject("output");
      if (invocation.outputUri() != null) {
        output.put("uri", invocation.outputUri());
      }
      output.put("contentType", "application/json");
      output.put("sizeBytes", outcome.sizeBytes());
    } else {
      ObjectNode error = body.putObject("error");
      error.put("code", outcome.errorCode());
      error.put("message", outcome.errorMessage());
      error.put("retryable", true);
    }
    return json.writeValueAsBytes(body);
  }

  /** The innermost cause, e.g. {@code ConnectException: Connection refused}. */
  static String describe(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String name = cause.getClass().getSimpleName();
    return cause.getMessage() == null ? name : name + ": " + cause.getMessage();
  }
}
