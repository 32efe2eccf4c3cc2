package io.algotask.bench;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class CeilingWorkflowImpl implements CeilingWorkflow {
  private final CeilingActivities activities =
      Workflow.newActivityStub(
          CeilingActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

  @Override
  public int run(int n) {
    return activities.echo(n);
  }
}
