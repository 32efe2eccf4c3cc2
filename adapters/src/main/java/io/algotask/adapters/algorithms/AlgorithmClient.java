package io.algotask.adapters.algorithms;

import io.algotask.adapters.tracing.TraceContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/** Sends invocations (and cancellations) to algorithm services over HTTP, signed. */
@Component
public class AlgorithmClient {
  private static final int EXCERPT = 300;
  private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(5);
  private static final long WAITING_STEP_MS = 200;

  /** An algorithm's answer; {@code retryAfter} is present when it asked us to come back later. */
  public record Answer(int status, Optional<Duration> retryAfter, String bodyExcerpt) {
    public boolean accepted() {
      return status >= 200 && status < 300;
    }

    /** 429 and 503: busy, not broken; the attempt is sent again without being used up. */
    public boolean busy() {
      return status == 429 || status == 503;
    }

    /** Any other 4xx: the algorithm refused the task. */
    public boolean refused() {
      return status >= 400 && status < 500 && !busy();
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder()
          // plain HTTP/1.1: no h2c upgrade dance with services that do not speak HTTP/2
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private final InvocationSigner signer;

  public AlgorithmClient(InvocationSigner signer) {
    this.signer = signer;
  }

  /**
   * Posts a JSON body.
   *
   * @param redaction what to take out of the answer's excerpt: a service may echo its request
   * @throws IOException when the service cannot be reached or does not answer in time
   */
  public Answer post(URI endpoint, String jsonBody, Duration timeout, Redaction redaction)
      throws IOException, InterruptedException {
    return post(endpoint, jsonBody, timeout, redaction, () -> {});
  }

  /**
   * Posts a JSON body, running {@code whileWaiting} about every {@value #WAITING_STEP_MS} ms until
   * the answer comes (an activity's heartbeat).
   *
   * @param redaction what to take out of the answer's excerpt: a service may echo its request
   * @throws IOException when the service cannot be reached or does not answer in time
   */
  public Answer post(
      URI endpoint, String jsonBody, Duration timeout, Redaction redaction, Runnable whileWaiting)
      throws IOException, InterruptedException {
    var request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(jsonBody));
    TraceContext.inject(request); // the task's trace goes on in the algorithm service
    signer.sign(request, jsonBody);
    var sending = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> response;
    try {
      while (true) {
        try {
          response = sending.get(WAITING_STEP_MS, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException stillWaiting) {
          whileWaiting.run();
        }
      }
    } catch (InterruptedException e) {
      sending.cancel(true);
      throw e;
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(failed.getCause());
    }
    // redacted before the cut, which could leave a part of a secret that no longer matches
    var body = response.body() == null ? "" : redaction.apply(response.body());
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("Retry-After").flatMap(AlgorithmClient::parseRetryAfter),
        body.length() > EXCERPT ? body.substring(0, EXCERPT) + "..." : body);
  }

  /**
   * Tells an algorithm that a running attempt is cancelled (contract section 3), best effort: a
   * service that cannot be reached finds out at its callback, which is answered 409.
   *
   * @return whether the service acknowledged it
   */
  public boolean cancel(URI cancelEndpoint, String taskId, int attempt) {
    // task ids hold only letters, digits and ._:- (contract section 1): nothing to escape
    var body = "{\"taskId\":\"" + taskId + "\",\"attempt\":" + attempt + "}";
    try {
      return post(cancelEndpoint, body, CANCEL_TIMEOUT, Redaction.ofShapes()).accepted();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Retry-After in seconds; the HTTP-date form is rare from services and treated as absent. */
  static Optional<Duration> parseRetryAfter(String value) {
    try {
      var seconds = Long.parseLong(value.trim());
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException | DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
