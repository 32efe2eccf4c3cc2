package io.algotask.adapters.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest
class ObjectStorageIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Autowired ObjectStorage storage;

  private S3Location freshLocation() {
    return new S3Location(
        storage.properties().resultBucket(), "it/" + UUID.randomUUID() + "/result.txt");
  }

  @Test
  void putThenGetReturnsTheSameBytes() {
    var location = freshLocation();
    var content = "scanned page 1".getBytes(StandardCharsets.UTF_8);

    storage.put(location, content, "text/plain");

    assertThat(storage.get(location)).isEqualTo(content);
    assertThat(storage.head(location).contentLength()).isEqualTo(content.length);
  }

  @Test
  void presignedUrlsLetAClientWithoutCredentialsUploadAndDownload() throws Exception {
    var location = freshLocation();
    var upload = storage.presignPut(location, Duration.ofMinutes(5));

    var put =
        http.send(
            HttpRequest.newBuilder(upload.url().toURI())
                .PUT(HttpRequest.BodyPublishers.ofString("{\"pages\":3}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(200);

    var download = storage.presignGet(location, Duration.ofMinutes(5));
    var get =
        http.send(
            HttpRequest.newBuilder(download.url().toURI()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("{\"pages\":3}");
    assertThat(download.expiresAt()).isAfter(java.time.Instant.now());
  }

  @Test
  void urlsSignedAsAtOneInstantAreTheSameEveryTimeAndWorkUntilTheyExpire() throws Exception {
    var location = freshLocation();
    var signedAt = java.time.Instant.now().minusSeconds(90); // an invocation's first send
    var upload = storage.presignPutAsAt(location, signedAt, Duration.ofMinutes(5));

    assertThat(storage.presignPutAsAt(location, signedAt, Duration.ofMinutes(5))).isEqualTo(upload);
    assertThat(upload.expiresAt())
        .isEqualTo(signedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(300));
    var put =
        http.send(
            HttpRequest.newBuilder(upload.url().toURI())
                .PUT(HttpRequest.BodyPublishers.ofString("{\"pages\":4}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(200);
    var download = storage.presignGetAsAt(location, signedAt, Duration.ofMinutes(5));
    assertThat(storage.presignGetAsAt(location, signedAt, Duration.ofMinutes(5)).url())
        .isEqualTo(download.url());
    var get =
        http.send(
            HttpRequest.newBuilder(download.url().toURI()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.body()).isEqualTo("{\"pages\":4}");

    var expired =
        storage.presignGetAsAt(location, signedAt, Duration.ofSeconds(60)); // over 30 s ago
    var refused =
        http.send(
            HttpRequest.newBuilder(expired.url().toURI()).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(refused.statusCode()).isEqualTo(403);
  }

  @Test
  void aTamperedPresignedUrlIsRefused() throws Exception {
    var location = freshLocation();
    storage.put(location, new byte[] {1}, "application/octet-stream");
    var url = storage.presignGet(location, Duration.ofMinutes(5)).url().toString();
    var tampered = url.replace(location.key(), location.key() + "x");

    var get =
        http.send(
            HttpRequest.newBuilder(URI.create(tampered)).build(),
            HttpResponse.BodyHandlers.discarding());

    assertThat(get.statusCode()).isEqualTo(403);
  }

  @Test
  void ensureBucketIsSafeToRepeat() {
    var bucket = "algotask-it-" + UUID.randomUUID().toString().substring(0, 8);
    storage.ensureBucket(bucket);
    storage.ensureBucket(bucket);
    storage.put(new S3Location(bucket, "k"), new byte[] {7}, "application/octet-stream");
    assertThat(storage.get(new S3Location(bucket, "k"))).containsExactly(7);
  }
}
