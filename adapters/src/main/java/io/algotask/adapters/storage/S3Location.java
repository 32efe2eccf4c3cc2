package io.algotask.adapters.storage;

import java.util.regex.Pattern;

/** An object's place in S3-compatible storage, written as {@code s3://bucket/key}. */
public record S3Location(String bucket, String key) {
  private static final Pattern S3_URI =
      Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(.+)");

  public S3Location {
    if (bucket == null || bucket.isBlank() || key == null || key.isBlank()) {
      throw new IllegalArgumentException("an S3 location needs a bucket and a key");
    }
  }

  /**
   * Parses {@code s3://bucket/key}.
   *
   * @throws IllegalArgumentException naming what is wrong with the uri
   */
  public static S3Location parse(String uri) {
    var matcher = uri == null ? null : S3_URI.matcher(uri);
    if (matcher == null || !matcher.matches()) {
      throw new IllegalArgumentException("not an s3://bucket/key uri: " + uri);
    }
    return new S3Location(matcher.group(1), matcher.group(2));
  }

  public String uri() {
    return "s3://" + bucket + "/" + key;
  }

  @Override
  public String toString() {
    return uri();
  }
}
