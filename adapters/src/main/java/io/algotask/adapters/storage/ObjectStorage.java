package io.algotask.adapters.storage;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Utilities;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/** Reads, writes and presigns objects in S3-compatible storage. */
public class ObjectStorage {

  /** A presigned URL and the instant it stops working. */
  public record PresignedUrl(URL url, Instant expiresAt) {}

  /** The key of the object whose URL shows how a bucket's objects are addressed. */
  private static final String PROBE_KEY = "k";

  private final S3Client s3;
  private final S3Utilities utilities;
  private final AwsCredentialsProvider credentials;
  private final ObjectStorageProperties properties;

  /** Per bucket, its objects' URL up to the key; empty when the key is not its URLs' end. */
  private final Map<String, String> bucketUrls = new ConcurrentHashMap<>();

  public ObjectStorage(
      S3Client s3, AwsCredentialsProvider credentials, ObjectStorageProperties properties) {
    this.s3 = s3;
    this.utilities = s3.utilities();
    this.credentials = credentials;
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

  /** A GET URL that works for {@code validFor} from now. */
  public PresignedUrl presignGet(S3Location location, Duration validFor) {
    return signedAsAt(SdkHttpMethod.GET, location, Instant.now(), validFor);
  }

  /**
   * A GET URL signed as at {@code signedAt}: the same arguments always give the same URL, so that
   * every send of one invocation can carry the same one.
   */
  public PresignedUrl presignGetAsAt(S3Location location, Instant signedAt, Duration validFor) {
    return signedAsAt(SdkHttpMethod.GET, location, signedAt, validFor);
  }

  /** A PUT URL signed as at {@code signedAt}; see {@link #presignGetAsAt}. */
  public PresignedUrl presignPutAsAt(S3Location location, Instant signedAt, Duration validFor) {
    return signedAsAt(SdkHttpMethod.PUT, location, signedAt, validFor);
  }

  /**
   * Signs as the SDK's presigner does (the same URL in the same second), with the signer it uses,
   * which takes a clock, and without the presigner's request pipeline, run for every URL. The
   * object's URL comes from the client's own configuration (endpoint, path style), as the
   * presigner's does. Signed with the credentials of the moment: temporary ones (a role's) add
   * their session token, and the URL works only as long as they do.
   */
  private PresignedUrl signedAsAt(
      SdkHttpMethod method, S3Location location, Instant signedAt, Duration validFor) {
    var at = signedAt.truncatedTo(ChronoUnit.SECONDS); // the precision of X-Amz-Date
    var seconds = validFor.truncatedTo(ChronoUnit.SECONDS);
    try {
      var objectUrl = objectUrl(location);
      var signed =
          SIGNER.sign(
              SignRequest.builder(credentials.resolveCredentials())
                  .request(SdkHttpRequest.builder().method(method).uri(objectUrl).build())
                  .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                  .putProperty(AwsV4HttpSigner.REGION_NAME, properties.region())
                  .putProperty(
                      AwsV4FamilyHttpSigner.AUTH_LOCATION,
                      AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                  .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, seconds)
                  .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                  .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                  .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                  .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))
                  .build());
      return new PresignedUrl(signed.request().getUri().toURL(), at.plus(seconds));
    } catch (URISyntaxException | MalformedURLException e) {
      throw new IllegalStateException("no URL for " + location.uri(), e);
    }
  }

  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  /**
   * The object's URL as the client's configuration addresses it (endpoint, path style). Resolving
   * it takes the SDK's endpoint rules; they depend on the bucket only, so each bucket's are run
   * once and its objects' URLs are that one with their key, encoded as the SDK encodes it. A key
   * that starts with a slash is left to the SDK, which joins it to the bucket's URL its own way.
   */
  URI objectUrl(S3Location location) throws URISyntaxException {
    var bucketUrl = bucketUrls.computeIfAbsent(location.bucket(), this::bucketUrl);
    if (bucketUrl.isEmpty() || location.key().startsWith("/")) {
      return utilities.getUrl(b -> b.bucket(location.bucket()).key(location.key())).toURI();
    }
    return new URI(bucketUrl + SdkHttpUtils.urlEncodeIgnoreSlashes(location.key()));
  }

  private String bucketUrl(String bucket) {
    var probe = utilities.getUrl(b -> b.bucket(bucket).key(PROBE_KEY)).toString();
    return probe.endsWith("/" + PROBE_KEY)
        ? probe.substring(0, probe.length() - PROBE_KEY.length())
        : "";
  }

  /** A PUT URL that works for {@code validFor} from now. */
  public PresignedUrl presignPut(S3Location location, Duration validFor) {
    return signedAsAt(SdkHttpMethod.PUT, location, Instant.now(), validFor);
  }
}
