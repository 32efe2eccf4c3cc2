package io.algotask.client;

/**
 * Why a task did not succeed (contract section 2).
 *
 * @param code {@code INVALID_REQUEST}, {@code UNKNOWN_ALGORITHM}, {@code QUEUE_TIMEOUT}, {@code
 *     EXECUTION_TIMEOUT}, {@code ALGORITHM_ERROR}, {@code ALGORITHM_REJECTED} or {@code CANCELLED}
 * @param message for a human; for a rejected request, the broken rule as "field: what it must be"
 */
public record TaskError(String code, String message) {}
