package io.algotask.sample;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Delivers callbacks (contract section 4). Connection errors and 5xx are retried a few times with a
 * doubling backoff (100, 200, 400, 800 ms); any other answer ends the delivery, since a 4xx (401
 * forged or expired token, 409 attempt already over) will not change on a retry.
 *
 * <p>Only the attempt's own report ({@link CallbackKind#reportsTheAttempt()}) moves the attempt's
 * slot and its end counters; a repeated or conflicting callback is counted by its answer alone.
 */
final class CallbackSender {
  static final int MAX_TRIES = 5;
  static final long FIRST_BACKOFF_MS = 100;
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** What {@link #send} completes with when every try failed. */
  static final int UNDELIVERED = 0;

  private static final System.Logger LOG = System.getLogger(CallbackSender.class.getName());

  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final BooleanSupplier stopped;

  CallbackSender(HttpClient http, ScheduledExecutorService timer, BooleanSupplier stopped) {
    this.http = http;
    this.timer = timer;
    this.stopped = stopped;
  }

  /**
   * Sends one callback, retrying as above.
   *
   * @param succeeded the status the body reports
   * @return the HTTP status of the answer, or {@link #UNDELIVERED}; never completes once the server
   *     is closing
   */
  CompletableFuture<Integer> send(
      Attempt attempt, CallbackKind kind, URI url, String token, boolean succeeded, byte[] body) {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    attempt.counters().callbackSent(kind);
    CompletableFuture<Integer> answer = new CompletableFuture<>();
    send(new Delivery(attempt, kind, request, succeeded, answer), 1);
    return answer;
  }

  private record Delivery(
      Attempt attempt,
      CallbackKind kind,
      HttpRequest request,
      boolean succeeded,
      CompletableFuture<Integer> answer) {}

  private void send(Delivery delivery, int tryNumber) {
    Attempt attempt = delivery.attempt();
    if (delivery.kind().reportsTheAttempt()) {
      attempt.callbackSending();
    }
    http.sendAsync(delivery.request(), HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (stopped.getAsBoolean()) {
                return; // the server is closing: nobody reads the counters any more
              }
              if (error == null && response.statusCode() < 500) {
                answered(delivery, response.statusCode());
                return;
              }
              if (delivery.kind().reportsTheAttempt()) {
                attempt.callbackNotTaken();
              }
              if (tryNumber >= MAX_TRIES) {
                undelivered(
                    delivery,
                    error == null
                        ? "HTTP " + response.statusCode()
                        : AttemptRunner.describe(error));
              } else {
                retryLater(delivery, tryNumber);
              }
            });
  }

  private void retryLater(Delivery delivery, int tryNumber) {
    long backoffMs = FIRST_BACKOFF_MS << (tryNumber - 1);
    try {
      timer.schedule(() -> send(delivery, tryNumber + 1), backoffMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException serverClosed) {
      undelivered(delivery, "the server was closed");
    }
  }

  private void answered(Delivery delivery, int status) {
    Attempt attempt = delivery.attempt();
    AlgorithmCounters counters = attempt.counters();
    counters.callbackAnswered(delivery.kind(), Integer.toString(status));
    if (delivery.kind().reportsTheAttempt()) {
      if (status / 100 == 2) {
        (delivery.succeeded() ? counters.callbacksSucceeded : counters.callbacksFailed)
            .incrementAndGet();
      } else {
        counters.callbacksRejected.incrementAndGet();
      }
      attempt.callbackAnswered();
    }
    // 409 is the normal answer to a late or contradicting callback; other 4xx mean a bug somewhere
    if (status / 100 != 2) {
      LOG.log(
          status == 409 ? Level.DEBUG : Level.WARNING,
          "callback of task {0} attempt {1} ({2}) was answered HTTP {3}",
          attempt.key().taskId(),
          attempt.key().attempt(),
          delivery.kind().label(),
          status);
    }
    delivery.answer().complete(status);
  }

  private void undelivered(Delivery delivery, String reason) {
    Attempt attempt = delivery.attempt();
    attempt.counters().callbackAnswered(delivery.kind(), AlgorithmStats.UNDELIVERED);
    if (delivery.kind().reportsTheAttempt()) {
      attempt.counters().callbacksUndelivered.incrementAndGet();
      attempt.callbackUndelivered();
    }
    LOG.log(
        Level.WARNING,
        "callback of task {0} attempt {1} ({2}) undelivered after {3} tries: {4}",
        attempt.key().taskId(),
        attempt.key().attempt(),
        delivery.kind().label(),
        MAX_TRIES,
        reason);
    delivery.answer().complete(UNDELIVERED);
  }
}
