package io.algotask.sample;

/** One attempt of one task: the unit of at-least-once delivery. */
record AttemptKey(String taskId, int attempt) {}
