package io.algotask.activities;

import io.algotask.adapters.records.TaskStore;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.workflows.task.SlotActivities;
import org.springframework.stereotype.Component;

@Component("slotActivities")
public class SlotActivitiesImpl implements SlotActivities {
  private final AlgorithmSlots slots;
  private final TaskStore store;

  SlotActivitiesImpl(AlgorithmSlots slots, TaskStore store) {
    this.slots = slots;
    this.store = store;
  }

  @Override
  public SlotAcquisition acquire(SlotRequest request) {
    var acquisition =
        slots.acquire(taskOf(request), request.priority(), request.arrival(), request.holdFor());
    if (acquisition.granted()) {
      return SlotAcquisition.grantedWith(acquisition.token());
    }
    store.markQueued(request.taskId());
    return SlotAcquisition.queuedAt(acquisition.position());
  }

  @Override
  public void leave(SlotRequest request) {
    slots.leave(taskOf(request));
  }

  @Override
  public void release(String taskId, String algorithm, String token) {
    slots.release(new SlotTask(algorithm, taskId).holding(token));
  }

  private static SlotTask taskOf(SlotRequest request) {
    return new SlotTask(request.algorithm(), request.taskId());
  }
}
