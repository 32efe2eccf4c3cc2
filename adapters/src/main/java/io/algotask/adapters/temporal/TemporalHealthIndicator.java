package io.algotask.adapters.temporal;

import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** UP when the Temporal frontend answers and knows our namespace. */
public class TemporalHealthIndicator extends AbstractHealthIndicator {
  private static final long TIMEOUT_MS = 3000;
  private final WorkflowClient client;

  public TemporalHealthIndicator(WorkflowClient client) {
    super("Temporal health check failed");
    this.client = client;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    var namespace = client.getOptions().getNamespace();
    var stub =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .withDeadlineAfter(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    var systemInfo = stub.getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    var described =
        stub.describeNamespace(
            DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
    builder
        .up()
        .withDetail("serverVersion", systemInfo.getServerVersion())
        .withDetail("namespace", namespace)
        .withDetail("namespaceState", described.getNamespaceInfo().getState().name());
  }
}
