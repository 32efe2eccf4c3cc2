package io.algotask.adapters.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Without static keys, the client and the presigner take their credentials from the AWS default
 * chain: here its system properties (as {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}
 * would give them), against the local S3 server.
 */
class DefaultCredentialChainIT {
  private static final String BUCKET = "algotask-results";

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void credentialsInTheChain() {
    System.setProperty("aws.accessKeyId", "algotask");
    System.setProperty("aws.secretAccessKey", "algotask-secret");
  }

  @AfterEach
  void credentialsGone() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void withoutKeysTheDefaultChainSignsRequestsAndUrls() throws Exception {
    var properties =
        new ObjectStorageProperties(
            URI.create("http://127.0.0.1:8333"),
            "us-east-1",
            null,
            null,
            BUCKET,
            List.of(),
            false,
            Duration.ofHours(24),
            Duration.ofMinutes(15),
            "",
            true);
    var configuration = new ObjectStorageConfiguration();
    var credentials = configuration.s3CredentialsProvider(properties);
    assertThat(credentials).isInstanceOf(DefaultCredentialsProvider.class);
    try (var client = configuration.s3Client(properties, credentials)) {
      var storage = configuration.objectStorage(client, credentials, properties);
      storage.ensureBucket(BUCKET);
      var location = new S3Location(BUCKET, "it/" + UUID.randomUUID() + "/chain.txt");
      var content = "signed by the default chain".getBytes(StandardCharsets.UTF_8);

      storage.put(location, content, "text/plain");

      assertThat(storage.get(location)).isEqualTo(content);
      var download =
          http.send(
              HttpRequest.newBuilder(
                      storage.presignGet(location, Duration.ofMinutes(5)).url().toURI())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.body()).isEqualTo(content);
    }
  }
}
