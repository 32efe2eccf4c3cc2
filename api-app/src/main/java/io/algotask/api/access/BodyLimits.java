package io.algotask.api.access;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The largest request body each endpoint reads (contract section 7); a larger one is refused with
 * 413 before more of it than the limit is read.
 *
 * @param taskRequest {@code POST /v1/tasks} (and any other body sent to {@code /v1/tasks...})
 * @param callback {@code POST /v1/tasks/{id}/callback} and {@code /progress}
 * @param algorithm {@code PUT /v1/algorithms/{name}}
 */
@ConfigurationProperties("algotask.api.body-limits")
public record BodyLimits(
    @DefaultValue("256KB") DataSize taskRequest,
    @DefaultValue("64KB") DataSize callback,
    @DefaultValue("16KB") DataSize algorithm) {}
