package io.algotask.sample;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Delivers callbacks (contract section 4). Connection errors and 5xx are retried a few times with a
 * doubling backoff (100, 200, 400, 800 ms); any other answer ends the delivery, since a 4xx (401
 * forged or expired token, 409 attempt already over) will not change on a retry.
 */
final class CallbackSender {
  static final int MAX_TRIES = 5;
  static final long FIRST_BACKOFF_MS = 100;
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final System.Logger LOG = System.getLogger(CallbackSender.class.getName());

  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final BooleanSupplier stopped;

  CallbackSender(HttpClient http, ScheduledExecutorService timer, BooleanSupplier stopped) {
    this.http = http;
    this.timer = timer;
    this.stopped = stopped;
  }

  void send(Attempt attempt, URI url, String token, Outcome outcome, byte[] body) {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    send(attempt, request, outcome, 1);
  }

  private void send(Attempt attempt, HttpRequest request, Outcome outcome, int tryNumber) {
    attempt.callbackSending();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (stopped.getAsBoolean()) {
                return; // the server is closing: nobody reads the counters any more
              }
              if (error == null && response.statusCode() < 500) {
                answered(attempt, outcome, response.statusCode());
                return;
              }
              attempt.callbackNotTaken();
              if (tryNumber >= MAX_TRIES) {
                undelivered(
                    attempt,
                    error == null
                        ? "HTTP " + response.statusCode()
                        : AttemptRunner.describe(error));
              } else {
                retryLater(attempt, request, outcome, tryNumber);
              }
            });
  }

  private void retryLater(Attempt attempt, HttpRequest request, Outcome outcome, int tryNumber) {
    long backoffMs = FIRST_BACKOFF_MS << (tryNumber - 1);
    try {
      timer.schedule(
          () -> send(attempt, request, outcome, tryNumber + 1), backoffMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException serverClosed) {
      undelivered(attempt, "the server was closed");
    }
  }

  private void answered(Attempt attempt, Outcome outcome, int status) {
    AlgorithmCounters counters = attempt.counters();
    if (status / 100 == 2) {
      (outcome.succeeded() ? counters.callbacksSucceeded : counters.callbacksFailed)
          .incrementAndGet();
    } else {
      counters.callbacksRejected.incrementAndGet();
      // 409 is the normal answer to a late callback; anything else means a bug somewhere
      LOG.log(
          status == 409 ? Level.DEBUG : Level.WARNING,
          "callback of task {0} attempt {1} was answered HTTP {2}",
          attempt.key().taskId(),
          attempt.key().attempt(),
          status);
    }
    attempt.callbackAnswered();
  }

  private void undelivered(Attempt attempt, String reason) {
    attempt.counters().callbacksUndelivered.incrementAndGet();
    attempt.callbackUndelivered();
    LOG.log(
        Level.WARNING,
        "callback of task {0} attempt {1} undelivered after {2} tries: {3}",
        attempt.key().taskId(),
        attempt.key().attempt(),
        MAX_TRIES,
        reason);
  }
}
