package io.algotask.adapters.tokens;

import java.time.Instant;

/** What a callback token vouches for: one attempt of one task, until it expires. */
public record CallbackClaims(String taskId, int attempt, String algorithm, Instant expiresAt) {}
