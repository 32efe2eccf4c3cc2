package io.algotask.bench;

public class CeilingActivitiesImpl implements CeilingActivities {
  @Override
  public int echo(int n) {
    return n;
  }
}
