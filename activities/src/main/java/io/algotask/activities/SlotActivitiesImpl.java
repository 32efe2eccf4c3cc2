package io.algotask.activities;

import io.algotask.adapters.logging.TaskLogContext;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.workflows.task.SlotActivities;
import org.springframework.stereotype.Component;

@Component("slotActivities")
public class SlotActivitiesImpl implements SlotActivities {
  private final AlgorithmSlots slots;
  private final TaskTransitions transitions;

  SlotActivitiesImpl(AlgorithmSlots slots, TaskTransitions transitions) {
    this.slots = slots;
    this.transitions = transitions;
  }

  @Override
  public SlotAcquisition acquire(SlotRequest request) {
    try (var logged = TaskLogContext.of(request.taskId(), request.algorithm())) {
      var acquisition =
          slots.acquire(
              taskOf(request),
              request.tenant(),
              request.priority(),
              request.arrival(),
              request.holdFor());
      if (acquisition.granted()) {
        return SlotAcquisition.grantedWith(acquisition.token());
      }
      transitions.markQueued(request.taskId());
      return SlotAcquisition.queuedAt(acquisition.position(), acquisition.limit());
    }
  }

  @Override
  public void leave(SlotRequest request) {
    try (var logged = TaskLogContext.of(request.taskId(), request.algorithm())) {
      slots.leave(taskOf(request));
    }
  }

  @Override
  public void release(SlotRelease slot) {
    try (var logged = TaskLogContext.of(slot.taskId(), slot.algorithm())) {
      slots.release(new SlotTask(slot.algorithm(), slot.taskId()).holding(slot.token()));
    }
  }

  private static SlotTask taskOf(SlotRequest request) {
    return new SlotTask(request.algorithm(), request.taskId());
  }
}
