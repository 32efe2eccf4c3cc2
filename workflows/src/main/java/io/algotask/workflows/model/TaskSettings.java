package io.algotask.workflows.model;

import java.time.Duration;

/**
 * The limits one task runs under, resolved from its request and its algorithm's defaults when the
 * task is accepted. They reach the workflow only through its input, so a change of configuration
 * never changes a running workflow's decisions.
 *
 * @param queueTimeout the longest single wait for a concurrency slot
 * @param executionTimeout the longest wait for the callback of one attempt, from its first send
 * @param maxAttempts how many attempts the task may use
 */
public record TaskSettings(Duration queueTimeout, Duration executionTimeout, int maxAttempts) {}
