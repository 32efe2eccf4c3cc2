package io.algotask.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The doors of Algotask: Kafka intake, the HTTP and gRPC APIs and the algorithms' callback
 * endpoint. It uses the adapters (records, storage, semaphore reads) but never runs activities.
 */
@SpringBootApplication(scanBasePackages = {"io.algotask.api", "io.algotask.adapters"})
public class ApiApplication {
  public static void main(String[] args) {
    SpringApplication.run(ApiApplication.class, args);
  }
}
