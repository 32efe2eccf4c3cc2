package io.algotask.workflows.devserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.workflows.model.SearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes.Builder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs a workflow on the local Temporal dev server (not the in-memory test server): proves the
 * server answers, persists and registers the search attributes operators filter by.
 */
class DevServerIT {
  private static final String TARGET =
      System.getProperty("algotask.temporal.target", "127.0.0.1:7233");

  /** The tests' own namespace (the launcher registers it), never the demo's. */
  private static final String NAMESPACE =
      System.getProperty("algotask.temporal.test-namespace", "algotask-test");

  @WorkflowInterface
  public interface GreetingWorkflow {
    @WorkflowMethod
    String greet(String name);
  }

  public static class GreetingWorkflowImpl implements GreetingWorkflow {
    @Override
    public String greet(String name) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.TASK_STATUS.valueSet("SUCCEEDED"));
      return "hello " + name;
    }
  }

  static WorkflowServiceStubs service;
  static WorkerFactory workers;
  static WorkflowClient client;
  static String taskQueue = "algotask-it-" + UUID.randomUUID();

  @BeforeAll
  static void startWorker() {
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(TARGET).build());
    client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace(NAMESPACE).build());
    workers = WorkerFactory.newInstance(client);
    workers.newWorker(taskQueue).registerWorkflowImplementationTypes(GreetingWorkflowImpl.class);
    workers.start();
  }

  @AfterAll
  static void stopWorker() {
    workers.shutdownNow();
    service.shutdownNow();
  }

  @Test
  void runsAWorkflowAndKeepsItsSearchAttributes() {
    Builder attributes =
        io.temporal.common.SearchAttributes.newBuilder()
            .set(SearchAttributes.ALGORITHM_NAME, "ocr")
            .set(SearchAttributes.TENANT, "acme")
            .set(SearchAttributes.TASK_STATUS, "ACCEPTED")
            .set(SearchAttributes.PRIORITY, 2L);
    var workflowId = "it-" + UUID.randomUUID();
    var workflow =
        client.newWorkflowStub(
            GreetingWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setWorkflowId(workflowId)
                .setTypedSearchAttributes(attributes.build())
                .build());

    assertThat(workflow.greet("algotask")).isEqualTo("hello algotask");

    var indexed = client.newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes();
    assertThat(indexed.get(SearchAttributes.ALGORITHM_NAME)).isEqualTo("ocr");
    assertThat(indexed.get(SearchAttributes.TASK_STATUS)).isEqualTo("SUCCEEDED");
    assertThat(indexed.get(SearchAttributes.PRIORITY)).isEqualTo(2L);
  }
}
