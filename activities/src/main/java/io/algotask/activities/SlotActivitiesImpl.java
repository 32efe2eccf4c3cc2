package io.algotask.activities;

import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.slots.SlotHandOff;
import io.algotask.workflows.task.SlotActivities;
import org.springframework.stereotype.Component;

@Component("slotActivities")
public class SlotActivitiesImpl implements SlotActivities {
  private final SlotHandOff slots;
  private final TaskTransitions transitions;

  SlotActivitiesImpl(SlotHandOff slots, TaskTransitions transitions) {
    this.slots = slots;
    this.transitions = transitions;
  }

  @Override
  public SlotAcquisition acquire(SlotRequest request) {
    var acquisition =
        slots.acquire(
            request.algorithm(),
            request.taskId(),
            request.priority(),
            request.arrival(),
            request.holdFor());
    if (acquisition.granted()) {
      return SlotAcquisition.grantedWith(acquisition.token());
    }
    transitions.markQueued(request.taskId());
    return SlotAcquisition.queuedAt(acquisition.position());
  }

  @Override
  public void leave(SlotRequest request) {
    slots.leave(request.algorithm(), request.taskId());
  }

  @Override
  public void release(HeldSlot slot) {
    slots.release(slot.algorithm(), slot.taskId(), slot.token());
  }
}
