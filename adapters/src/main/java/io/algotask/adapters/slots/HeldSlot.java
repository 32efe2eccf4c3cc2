package io.algotask.adapters.slots;

/**
 * A slot of an algorithm held by a task, named by its fencing token: a grant to tell the task of, a
 * holder the reconciler checks, or the slot a task frees.
 */
public record HeldSlot(SlotTask task, String token) {

  public String algorithm() {
    return task.algorithm();
  }

  public String taskId() {
    return task.taskId();
  }
}
