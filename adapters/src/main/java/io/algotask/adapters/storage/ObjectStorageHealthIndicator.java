package io.algotask.adapters.storage;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import software.amazon.awssdk.services.s3.S3Client;

/** UP when the result bucket answers; the details name the endpoint and bucket. */
public class ObjectStorageHealthIndicator extends AbstractHealthIndicator {
  private final S3Client s3;
  private final ObjectStorageProperties properties;

  public ObjectStorageHealthIndicator(S3Client s3, ObjectStorageProperties properties) {
    super("S3 health check failed");
    this.s3 = s3;
    this.properties = properties;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    s3.headBucket(b -> b.bucket(properties.resultBucket()));
    builder
        .up()
        .withDetail("endpoint", String.valueOf(properties.endpoint()))
        .withDetail("bucket", properties.resultBucket());
  }
}
