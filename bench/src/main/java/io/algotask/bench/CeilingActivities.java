package io.algotask.bench;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface CeilingActivities {
  @ActivityMethod(name = "BenchCeilingEcho")
  int echo(int n);
}
