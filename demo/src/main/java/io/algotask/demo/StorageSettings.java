package io.algotask.demo;

import picocli.CommandLine.Option;

/**
 * Where the input documents go: the S3-compatible storage and its bucket, as command-line options
 * with the local stack's defaults (a mixin of the demo's and the bench's command lines).
 */
public final class StorageSettings {
  @Option(names = "--s3-endpoint", paramLabel = "URL", description = "default ${DEFAULT-VALUE}")
  private String endpoint = "http://127.0.0.1:8333";

  @Option(names = "--s3-region", paramLabel = "R", description = "default ${DEFAULT-VALUE}")
  private String region = "us-east-1";

  @Option(names = "--s3-access-key", paramLabel = "K", description = "default ${DEFAULT-VALUE}")
  private String accessKey = "algotask";

  @Option(names = "--s3-secret-key", paramLabel = "S", description = "default ${DEFAULT-VALUE}")
  private String secretKey = "algotask-secret";

  @Option(
      names = "--input-bucket",
      paramLabel = "B",
      description = "where the documents go (default ${DEFAULT-VALUE})")
  private String inputBucket = "algotask-documents";

  public String endpoint() {
    return endpoint;
  }

  public String region() {
    return region;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  public String inputBucket() {
    return inputBucket;
  }
}
