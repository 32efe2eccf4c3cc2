package io.algotask.adapters.storage;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Reads, writes and presigns objects in S3-compatible storage. */
public class ObjectStorage {

  /** A presigned URL and the instant it stops working. */
  public record PresignedUrl(URL url, Instant expiresAt) {}

  private final S3Client s3;
  private final S3Presigner presigner;
  private final ObjectStorageProperties properties;

  public ObjectStorage(S3Client s3, S3Presigner presigner, ObjectStorageProperties properties) {
    this.s3 = s3;
    this.presigner = presigner;
    this.properties = properties;
  }

  public ObjectStorageProperties properties() {
    return properties;
  }

  /** Where an attempt's output is written: one object per attempt, never shared. */
  public S3Location outputOf(String tenant, String taskId, int attempt) {
    return new S3Location(
        properties.resultBucket(), "results/" + tenant + "/" + taskId + "/attempt-" + attempt);
  }

  /** Creates the bucket unless it exists; safe to call from several processes at once. */
  public void ensureBucket(String bucket) {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException missing) {
      try {
        s3.createBucket(b -> b.bucket(bucket));
      } catch (BucketAlreadyOwnedByYouException createdMeanwhile) {
        // another process won the race: the bucket is there, which is all we want
      }
    }
  }

  public void put(S3Location location, byte[] content, String contentType) {
    s3.putObject(
        b -> b.bucket(location.bucket()).key(location.key()).contentType(contentType),
        RequestBody.fromBytes(content));
  }

  public byte[] get(S3Location location) {
    return s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(location.key())).asByteArray();
  }

  public HeadObjectResponse head(S3Location location) {
    return s3.headObject(b -> b.bucket(location.bucket()).key(location.key()));
  }

  public PresignedUrl presignGet(S3Location location, Duration validFor) {
    var request =
        presigner.presignGetObject(
            p ->
                p.signatureDuration(validFor)
                    .getObjectRequest(g -> g.bucket(location.bucket()).key(location.key())));
    return new PresignedUrl(request.url(), request.expiration());
  }

  public PresignedUrl presignPut(S3Location location, Duration validFor) {
    var request =
        presigner.presignPutObject(
            p ->
                p.signatureDuration(validFor)
                    .putObjectRequest(o -> o.bucket(location.bucket()).key(location.key())));
    return new PresignedUrl(request.url(), request.expiration());
  }
}
