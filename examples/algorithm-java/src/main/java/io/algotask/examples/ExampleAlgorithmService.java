package io.algotask.examples;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.json.JsonMapper;

/** An algorithm service that counts words and upper-cases (docs/contract.md sections 3, 4). */
@SpringBootApplication
@RestController
public class ExampleAlgorithmService {
  record Invocation(String taskId, int attempt, Stored input, Stored output, Callback callback) {}

  record Stored(String uri, String url, String uploadUrl) {} // input: url to GET; output: to PUT

  record Callback(String url, String token) {}

  private final RestClient http = RestClient.create();
  private final JsonMapper json = new JsonMapper();
  private final Set<String> accepted = ConcurrentHashMap.newKeySet(); // of "taskId/attempt"
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  // a callback that failed is sent again (3 times, 1 s apart), not one refused (409: attempt over)
  private final RetryTemplate retry =
      new RetryTemplate(RetryPolicy.builder().excludes(HttpClientErrorException.class).build());

  public static void main(String[] args) {
    SpringApplication.run(ExampleAlgorithmService.class, args);
  }

  @PostMapping("/invoke")
  ResponseEntity<?> invoke(@RequestBody Invocation task) {
    if (accepted.add(task.taskId() + "/" + task.attempt())) { // a resend: the same (section 7)
      new Thread(() -> work(task)).start();
    }
    return ResponseEntity.accepted().body(Map.of("status", "accepted"));
  }

  @PostMapping("/cancel") // its body is {"taskId": "...", "attempt": 1}
  ResponseEntity<?> cancel(@RequestBody Invocation task) {
    cancelled.add(task.taskId() + "/" + task.attempt());
    return ResponseEntity.accepted().body(Map.of("status", "cancelled"));
  }

  private void work(Invocation task) {
    var attempt = task.attempt();
    var callback = task.callback();
    Map<String, Object> report;
    try {
      var input = http.get().uri(URI.create(task.input().url())).retrieve().body(byte[].class);
      var text = new String(input, StandardCharsets.UTF_8);
      var words = text.isBlank() ? 0 : text.strip().split("\\s+").length;
      var progress = Map.of("attempt", attempt, "percent", 50, "message", words + " words");
      post(callback.url().replaceFirst("/callback$", "/progress"), callback.token(), progress);
      var result = Map.of("words", words, "text", text.toUpperCase(Locale.ROOT));
      var bytes = json.writeValueAsBytes(result); // bytes: an S3 upload needs a Content-Length
      var upload = http.put().uri(URI.create(task.output().uploadUrl())).body(bytes);
      upload.header("Content-Type", "application/json").retrieve().toBodilessEntity();
      var output = Map.of("uri", task.output().uri(), "contentType", "application/json");
      report = Map.of("attempt", attempt, "status", "SUCCEEDED", "output", output);
    } catch (RuntimeException failure) { // reported; Algotask tries the task again
      var error = Map.of("code", "EXAMPLE_FAILED", "message", failure.toString());
      report = Map.of("attempt", attempt, "status", "FAILED", "error", error);
    }
    var outcome = report;
    if (!cancelled.contains(task.taskId() + "/" + attempt)) { // else Algotask would answer 409
      try {
        retry.invoke(() -> post(callback.url(), callback.token(), outcome));
      } catch (RestClientException failed) {
        LoggerFactory.getLogger(getClass())
            .warn("the callback of {} failed: {}", task.taskId(), failed.toString());
      }
    }
  }

  private void post(String url, String token, Map<String, ?> body) {
    http.post()
        .uri(URI.create(url))
        .header("Authorization", "Bearer " + token)
        .body(body)
        .retrieve()
        .toBodilessEntity();
  }
}
