package io.algotask.adapters.slots;

/** A slot handed to a waiting task inside a semaphore script; its workflow must be told. */
public record SlotGrant(String taskId, String token) {}
