package io.algotask.adapters.storage;

import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where documents and results live: any S3-compatible endpoint.
 *
 * @param endpoint the S3 endpoint; path-style addressing is used so that local servers work
 * @param region the signing region
 * @param accessKey the access key id
 * @param secretKey the secret access key
 * @param resultBucket the bucket that algorithm outputs are written to
 * @param inputBuckets the buckets that task inputs may come from
 * @param createBuckets whether to create missing buckets at start-up (handy locally)
 * @param resultUrlValidity how long a result's presigned GET URL works (at most 7 days)
 */
@Validated
@ConfigurationProperties("algotask.storage")
public record ObjectStorageProperties(
    URI endpoint,
    @NotBlank String region,
    @NotBlank String accessKey,
    @NotBlank String secretKey,
    @NotBlank String resultBucket,
    List<String> inputBuckets,
    boolean createBuckets,
    @DefaultValue("24h") Duration resultUrlValidity) {

  public ObjectStorageProperties {
    inputBuckets = inputBuckets == null ? List.of() : List.copyOf(inputBuckets);
  }
}
