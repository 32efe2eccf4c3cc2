package io.algotask.adapters.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The shape of presigned URLs for each addressing style; signing needs no network. */
class ObjectStorageAddressingTest {
  private static final S3Location RESULT = new S3Location("algotask-results", "results/a/b.json");

  private static ObjectStorageProperties properties(URI endpoint, boolean pathStyle) {
    return new ObjectStorageProperties(
        endpoint,
        "eu-west-1",
        "AKIAEXAMPLE",
        "a-secret",
        "algotask-results",
        List.of(),
        false,
        Duration.ofHours(24),
        Duration.ofMinutes(15),
        "",
        pathStyle);
  }

  private static ObjectStorage storage(ObjectStorageProperties properties) {
    var configuration = new ObjectStorageConfiguration();
    var credentials = configuration.s3CredentialsProvider(properties);
    return configuration.objectStorage(
        configuration.s3Client(properties, credentials), credentials, properties);
  }

  @Test
  void withoutPathStyleTheBucketIsInTheHostOfAwsRegionalEndpoint() {
    var storage = storage(properties(null, false));

    for (var url :
        List.of(
            storage.presignGet(RESULT, Duration.ofMinutes(5)).url(),
            storage.presignPut(RESULT, Duration.ofMinutes(5)).url(),
            storage.presignGetAsAt(RESULT, Instant.now(), Duration.ofMinutes(5)).url())) {
      assertThat(url.getProtocol()).isEqualTo("https");
      assertThat(url.getHost()).isEqualTo("algotask-results.s3.eu-west-1.amazonaws.com");
      assertThat(url.getPath()).isEqualTo("/results/a/b.json");
      assertThat(url.getQuery()).contains("X-Amz-Signature=").contains("eu-west-1%2Fs3");
    }
  }

  @Test
  void withoutPathStyleAnEndpointGivenGetsTheBucketAsItsFirstLabel() {
    var storage = storage(properties(URI.create("https://s3.example.com"), false));

    var url = storage.presignGet(RESULT, Duration.ofMinutes(5)).url();

    assertThat(url.getHost()).isEqualTo("algotask-results.s3.example.com");
    assertThat(url.getPath()).isEqualTo("/results/a/b.json");
  }

  @Test
  void withPathStyleTheBucketIsInThePath() {
    var storage = storage(properties(URI.create("http://127.0.0.1:8333"), true));

    for (var url :
        List.of(
            storage.presignGet(RESULT, Duration.ofMinutes(5)).url(),
            storage.presignPutAsAt(RESULT, Instant.now(), Duration.ofMinutes(5)).url())) {
      assertThat(url.getHost()).isEqualTo("127.0.0.1");
      assertThat(url.getPath()).isEqualTo("/algotask-results/results/a/b.json");
    }
  }

  @Test
  void objectUrlsAreTheClientsOwnForEveryAddressingAndKey() throws Exception {
    var keys =
        List.of(
            "results/acme/task-1/attempt-1",
            "a b/c+d=e&f?g#h",
            "ünïcödé/文档.pdf",
            "tilde~star*paren()'quote\"",
            "percent%20kept/%2F",
            "double//slash/",
            "/leading/slash",
            "dots/../and/./more",
            "colon:semi;comma,at@dollar$");
    for (var properties :
        List.of(
            properties(null, false),
            properties(URI.create("https://s3.example.com"), false),
            properties(URI.create("http://127.0.0.1:8333"), true),
            properties(URI.create("http://127.0.0.1:8333/prefix/"), true))) {
      var configuration = new ObjectStorageConfiguration();
      var credentials = configuration.s3CredentialsProvider(properties);
      try (var client = configuration.s3Client(properties, credentials)) {
        var storage = configuration.objectStorage(client, credentials, properties);
        for (var bucket : List.of("algotask-results", "with.dots.bucket")) {
          for (var key : keys) {
            var location = new S3Location(bucket, key);
            for (var round = 0; round < 2; round++) { // the bucket's URL resolved, then reused
              assertThat(storage.objectUrl(location))
                  .as("%s in %s at %s", key, bucket, properties.endpoint())
                  .isEqualTo(client.utilities().getUrl(b -> b.bucket(bucket).key(key)).toURI());
            }
          }
        }
      }
    }
  }

  @Test
  void urlsSignedNowAreTheSdkPresignersOwn() {
    for (var properties :
        List.of(properties(null, false), properties(URI.create("http://127.0.0.1:8333"), true))) {
      var credentials =
          StaticCredentialsProvider.create(AwsSessionCredentials.create("a", "b", "c"));
      var configuration = new ObjectStorageConfiguration();
      var storage =
          configuration.objectStorage(
              configuration.s3Client(properties, credentials), credentials, properties);
      var builder =
          S3Presigner.builder()
              .region(Region.of(properties.region()))
              .credentialsProvider(credentials)
              .serviceConfiguration(
                  S3Configuration.builder()
                      .pathStyleAccessEnabled(properties.pathStyleAccess())
                      .build());
      if (properties.endpoint() != null) {
        builder.endpointOverride(properties.endpoint());
      }
      try (var presigner = builder.build()) {
        var validity = Duration.ofMinutes(7);
        // both sign as at now: compare two made in the same second
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  var get = storage.presignGet(RESULT, validity).url().toString();
                  var sdkGet =
                      presigner
                          .presignGetObject(
                              p ->
                                  p.signatureDuration(validity)
                                      .getObjectRequest(
                                          g -> g.bucket(RESULT.bucket()).key(RESULT.key())))
                          .url()
                          .toString();
                  var put = storage.presignPut(RESULT, validity).url().toString();
                  var sdkPut =
                      presigner
                          .presignPutObject(
                              p ->
                                  p.signatureDuration(validity)
                                      .putObjectRequest(
                                          o -> o.bucket(RESULT.bucket()).key(RESULT.key())))
                          .url()
                          .toString();
                  assertThat(get).isEqualTo(sdkGet);
                  assertThat(put).isEqualTo(sdkPut);
                });
      }
    }
  }

  @Test
  void temporaryCredentialsSignWithTheirSessionToken() {
    var properties = properties(null, false);
    var configuration = new ObjectStorageConfiguration();
    var role =
        StaticCredentialsProvider.create(
            AwsSessionCredentials.create("ASIAEXAMPLE", "a-secret", "a-session-token"));
    var storage =
        configuration.objectStorage(configuration.s3Client(properties, role), role, properties);

    var signedAsAt = storage.presignGetAsAt(RESULT, Instant.now(), Duration.ofMinutes(5)).url();
    var presigned = storage.presignGet(RESULT, Duration.ofMinutes(5)).url();

    for (var url : List.of(signedAsAt, presigned)) {
      assertThat(url.getQuery())
          .contains("X-Amz-Security-Token=a-session-token")
          .contains("X-Amz-Credential=ASIAEXAMPLE");
    }
  }
}
