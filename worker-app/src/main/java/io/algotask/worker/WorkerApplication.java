package io.algotask.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Runs the Temporal workers: the task workflows and the activities they call. */
@SpringBootApplication(
    scanBasePackages = {"io.algotask.worker", "io.algotask.adapters", "io.algotask.activities"})
public class WorkerApplication {
  public static void main(String[] args) {
    SpringApplication.run(WorkerApplication.class, args);
  }
}
