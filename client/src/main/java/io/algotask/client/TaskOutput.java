package io.algotask.client;

import java.time.Instant;

/**
 * Where a succeeded task's output is (contract section 2).
 *
 * @param uri the object, {@code s3://bucket/key}
 * @param url a presigned GET URL that reads it without credentials, until {@code urlExpiresAt}
 * @param contentType as the algorithm reported it, or null
 * @param sizeBytes as the algorithm reported it, or null
 */
public record TaskOutput(
    String uri, String url, Instant urlExpiresAt, String contentType, Long sizeBytes) {}
