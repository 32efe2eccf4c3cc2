package io.algotask.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The HTTP door (contract section 5): {@code /v1/tasks} with a client key ({@code Authorization:
 * Bearer}). Refusals are thrown as {@link AlgotaskApiException}, read from their problem+json. Safe
 * for use by many threads.
 */
public final class HttpTaskClient {
  private final HttpClient http;
  private final URI baseUri;
  private final String clientKey;
  private final Duration callTimeout;

  /**
   * @param baseUri where api-app serves HTTP, e.g. {@code http://127.0.0.1:8080}
   * @param clientKey a client key that may use the tasks' tenants
   */
  public HttpTaskClient(HttpClient http, URI baseUri, String clientKey, Duration callTimeout) {
    this.http = http;
    this.baseUri = baseUri;
    this.clientKey = Objects.requireNonNull(clientKey, "clientKey");
    this.callTimeout = callTimeout;
  }

  public static HttpTaskClient connect(URI baseUri, String clientKey) {
    return new HttpTaskClient(
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
        baseUri,
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
    var answer =
        call(
            "POST",
            "/v1/tasks",
            HttpRequest.BodyPublishers.ofByteArray(JsonWire.requestJson(request)));
    return new Submission(task(answer), answer.statusCode() == 202);
  }

  /** The task as recorded now. */
  public Task get(String taskId) {
    return task(call("GET", path(taskId), HttpRequest.BodyPublishers.noBody()));
  }

  /**
   * Cancels the task; it ends {@code CANCELLED} with one result.
   *
   * @throws AlgotaskApiException.TaskOverException when it is over already
   */
  public Task cancel(String taskId) {
    return task(call("DELETE", path(taskId), HttpRequest.BodyPublishers.noBody()));
  }

  /**
   * Polls the task every {@code interval} until it ends, handing each change of status, attempt or
   * progress to {@code onChange}; returns the task as it ended.
   *
   * @throws AlgotaskException when it has not ended within {@code timeout}
   */
  public Task watch(
      String taskId, Duration interval, Duration timeout, Consumer<TaskEvent> onChange) {
    var deadline = Instant.now().plus(timeout);
    Task last = null;
    while (true) {
      var task = get(taskId);
      if (last == null
          || task.status() != last.status()
          || task.attempts() != last.attempts()
          || !Objects.equals(task.progress(), last.progress())
          || !Objects.equals(task.queuePosition(), last.queuePosition())) {
        onChange.accept(new TaskEvent(0, task.status(), Instant.now(), task));
      }
      last = task;
      if (task.status().isTerminal()) {
        return task;
      }
      if (Instant.now().plus(interval).isAfter(deadline)) {
        throw new AlgotaskException(
            "task " + taskId + " did not end within " + timeout + ": " + task.status());
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AlgotaskException("interrupted while watching task " + taskId, e);
      }
    }
  }

  private static String path(String taskId) {
    return "/v1/tasks/" + URLEncoder.encode(taskId, StandardCharsets.UTF_8);
  }

  private HttpResponse<byte[]> call(String method, String path, HttpRequest.BodyPublisher body) {
    var request =
        HttpRequest.newBuilder(baseUri.resolve(path))
            .method(method, body)
            .timeout(callTimeout)
            .header("Authorization", "Bearer " + clientKey)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, application/problem+json")
            .build();
    HttpResponse<byte[]> answer;
    try {
      answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new AlgotaskException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlgotaskException("interrupted: " + method + " " + path, e);
    }
    if (answer.statusCode() >= 400) {
      throw JsonWire.problem(answer.statusCode(), answer.body());
    }
    return answer;
  }

  private static Task task(HttpResponse<byte[]> answer) {
    return JsonWire.task(JsonWire.JSON.readTree(answer.body()));
  }
}
