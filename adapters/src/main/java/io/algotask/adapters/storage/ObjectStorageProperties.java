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
 * @param endpoint the S3 endpoint; null for AWS S3's endpoint of the region
 * @param region the signing region
 * @param accessKey the access key id; with the secret key, or neither of them: then credentials
 *     come from the AWS SDK's default chain (environment, system properties, web identity token as
 *     on Kubernetes with IRSA, profile files, container and instance profiles)
 * @param secretKey the secret access key, given with the access key or not at all
 * @param resultBucket the bucket that algorithm outputs are written to
 * @param inputBuckets the buckets that task inputs may come from
 * @param createBuckets whether to create missing buckets at start-up (handy locally)
 * @param resultUrlValidity how long a result's presigned GET URL works (at most 7 days)
 * @param invocationUrlGrace how long after an attempt's deadline the URLs it was given still work
 *     (for an algorithm finishing late); at most 7 days in all
 * @param tenantInputPrefix the prefix every input key must start with, {@code {tenant}} standing
 *     for the task's tenant, so that no tenant has another's documents processed; blank turns the
 *     rule off (the local profile does)
 * @param pathStyleAccess whether the bucket goes in the path ({@code endpoint/bucket/key}, which
 *     local servers and MinIO need) or, when false, in the host name ({@code bucket.endpoint/key},
 *     AWS S3's virtual-hosted addressing)
 */
@Validated
@ConfigurationProperties("algotask.storage")
public record ObjectStorageProperties(
    URI endpoint,
    @NotBlank String region,
    String accessKey,
    String secretKey,
    @NotBlank String resultBucket,
    List<String> inputBuckets,
    boolean createBuckets,
    @DefaultValue("24h") Duration resultUrlValidity,
    @DefaultValue("15m") Duration invocationUrlGrace,
    @DefaultValue(ObjectStorageProperties.TENANT_INPUT_PREFIX) String tenantInputPrefix,
    @DefaultValue("true") boolean pathStyleAccess) {

  /** The default rule: each tenant's inputs under a folder of its own name. */
  public static final String TENANT_INPUT_PREFIX = "{tenant}/";

  private static final String TENANT_PLACEHOLDER = "{tenant}";

  /** The longest a SigV4 presigned URL may be valid. */
  public static final Duration LONGEST_URL_VALIDITY = Duration.ofDays(7);

  public ObjectStorageProperties {
    accessKey = accessKey == null || accessKey.isBlank() ? null : accessKey;
    secretKey = secretKey == null || secretKey.isBlank() ? null : secretKey;
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException(
          "algotask.storage.access-key and algotask.storage.secret-key go together: set both, or"
              + " neither to take credentials from the AWS default chain; only "
              + (accessKey == null ? "secret-key" : "access-key")
              + " is set");
    }
    inputBuckets = inputBuckets == null ? List.of() : List.copyOf(inputBuckets);
    tenantInputPrefix = tenantInputPrefix == null ? "" : tenantInputPrefix.strip();
    if (resultUrlValidity.isNegative()
        || resultUrlValidity.isZero()
        || resultUrlValidity.compareTo(LONGEST_URL_VALIDITY) > 0) {
      throw new IllegalArgumentException(
          "algotask.storage.result-url-validity must be more than 0 and at most 7 days, got "
              + resultUrlValidity);
    }
    if (invocationUrlGrace.isNegative() || invocationUrlGrace.compareTo(LONGEST_URL_VALIDITY) > 0) {
      throw new IllegalArgumentException(
          "algotask.storage.invocation-url-grace must be between 0 and 7 days, got "
              + invocationUrlGrace);
    }
  }

  /** Whether static keys are given; without them the AWS default credential chain is used. */
  public boolean hasStaticKeys() {
    return accessKey != null;
  }

  /** The prefix the tenant's input keys must start with; empty when the rule is off. */
  public String inputPrefixOf(String tenant) {
    return tenantInputPrefix.replace(TENANT_PLACEHOLDER, tenant);
  }
}
