package io.algotask.workflows.model;

/**
 * A concurrency slot handed to a waiting task by whoever freed it.
 *
 * @param token the fencing token that names this grant; releasing the slot needs it
 */
public record SlotGrant(String token) {}
