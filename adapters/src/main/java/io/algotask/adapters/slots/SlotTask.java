package io.algotask.adapters.slots;

/** A task as the slots of its algorithm know it: waiting for one, or holding one. */
public record SlotTask(String algorithm, String taskId) {

  /** This task holding the slot the token names. */
  public HeldSlot holding(String token) {
    return new HeldSlot(this, token);
  }
}
