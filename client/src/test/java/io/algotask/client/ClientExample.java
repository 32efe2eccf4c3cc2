package io.algotask.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The example of {@code client/README.md}, which shows the region between the markers as it is here
 * ({@link ReadmeExampleTest} checks); the demo module's {@code ClientIT} runs it against the real
 * stack.
 */
public final class ClientExample {
  private ClientExample() {}

  // [readme]
  /** Hands one document to OCR over gRPC, follows it to its end and reads its result once. */
  public static TaskResult recognise(
      String grpcTarget,
      String kafka,
      String resultsTopic,
      String clientKey,
      String algorithm,
      String document,
      String taskId)
      throws Exception {
    var request =
        TaskRequest.builder(taskId, algorithm)
            .tenant("acme")
            .input(document)
            .priority(2)
            .metadata("order", "42")
            .build();
    try (var algotask = GrpcTaskClient.connect(grpcTarget, clientKey);
        var results =
            new ResultConsumer(kafka, "billing", resultsTopic, Map.of(), new RecentEvents())) {
      algotask.submit(request); // the same taskId again is the same task: it never runs twice
      var task =
          algotask.watch(
              taskId, Duration.ofMinutes(5), event -> System.out.println(event.status()));
      System.out.println(task.status() + " " + task.output());
      var mine = new AtomicReference<TaskResult>();
      while (mine.get() == null) { // each result once, even when Kafka delivers it twice
        results.poll(
            Duration.ofSeconds(1),
            result -> {
              if (result.taskId().equals(taskId)) {
                mine.set(result);
              }
            });
      }
      return mine.get();
    }
  }

  // [/readme]

  /** The project README's five lines: submit over gRPC and watch the task to its end. */
  public static Task firstSteps(
      String grpcTarget, String clientKey, String algorithm, String document, String taskId)
      throws Exception {
    // [first-steps]
    var request = TaskRequest.builder(taskId, algorithm).tenant("acme").input(document).build();
    try (var algotask = GrpcTaskClient.connect(grpcTarget, clientKey)) {
      algotask.submit(request); // the same taskId again is the same task: it runs once
      return algotask.watch(taskId, Duration.ofMinutes(5), event -> System.out.println(event));
    }
    // [/first-steps]
  }
}
