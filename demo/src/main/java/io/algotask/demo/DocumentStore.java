package io.algotask.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * A business service's side of the object storage: puts documents into the input bucket (creating
 * it when missing) and reads results back by their {@code s3://} uri.
 */
public final class DocumentStore implements AutoCloseable {
  /** The content types of the documents the OCR algorithm reads, by file name extension. */
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "png", "image/png",
          "jpg", "image/jpeg",
          "jpeg", "image/jpeg",
          "tif", "image/tiff",
          "tiff", "image/tiff",
          "gif", "image/gif",
          "bmp", "image/bmp",
          "pdf", "application/pdf",
          "txt", "text/plain");

  private final S3Client s3;
  private final String inputBucket;

  public DocumentStore(StorageSettings storage) {
    this.inputBucket = storage.inputBucket();
    this.s3 =
        S3Client.builder()
            .endpointOverride(URI.create(storage.endpoint()))
            .region(Region.of(storage.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(storage.accessKey(), storage.secretKey())))
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
            .build();
    try {
      s3.headBucket(b -> b.bucket(inputBucket));
    } catch (NoSuchBucketException missing) {
      s3.createBucket(b -> b.bucket(inputBucket));
    }
  }

  /** Puts the content under the key of the input bucket; returns its {@code s3://} uri. */
  public String put(String key, RequestBody content, String contentType) {
    s3.putObject(b -> b.bucket(inputBucket).key(key).contentType(contentType), content);
    return "s3://" + inputBucket + "/" + key;
  }

  /** Puts the file under the key, with the content type its name says; returns its uri. */
  public String upload(String key, Path file) {
    return put(key, RequestBody.fromFile(file), contentType(file));
  }

  /** Reads an object by its {@code s3://bucket/key} uri (a result's output). */
  public byte[] read(String uri) throws IOException {
    var location = URI.create(uri);
    if (!"s3".equals(location.getScheme()) || location.getPath().length() < 2) {
      throw new IOException("not an s3:// uri: " + uri);
    }
    return s3.getObjectAsBytes(
            b -> b.bucket(location.getHost()).key(location.getPath().substring(1)))
        .asByteArray();
  }

  /** The file's content type by its extension; the algorithm judges the bytes themselves. */
  static String contentType(Path file) {
    var name = file.getFileName().toString();
    var dot = name.lastIndexOf('.');
    var extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
  }

  /** True when the path is a regular file this process can read. */
  static boolean readable(Path file) {
    return Files.isRegularFile(file) && Files.isReadable(file);
  }

  @Override
  public void close() {
    s3.close();
  }
}
