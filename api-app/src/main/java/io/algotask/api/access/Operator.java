package io.algotask.api.access;

/**
 * The holder of the operator token. An operator endpoint takes it as an argument, so that it
 * answers only a request that the admission let in with that token.
 */
public record Operator() {}
