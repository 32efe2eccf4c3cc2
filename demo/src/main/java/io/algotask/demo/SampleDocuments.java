package io.algotask.demo;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Puts a few small documents into the input bucket, as a business service would before submitting.
 */
public final class SampleDocuments {
  private static final String[] DOCUMENTS = {
    "invoice-0042.txt",
    "INVOICE 0042\nAcme Corp\nTotal due: 1,250.00 EUR\nDue date: 2026-12-31\n",
    "contract-7.txt",
    "SERVICE AGREEMENT\nBetween Acme Corp and Example Ltd\nTerm: 24 months\n",
    "letter-19.txt",
    "Dear customer,\nyour claim 19 was received and will be processed within 5 days.\n"
  };

  private SampleDocuments() {}

  /**
   * Uploads the documents under the key prefix, creating the bucket if it is missing, and returns
   * their s3:// uris (the invoice first).
   */
  public static List<String> upload(StorageSettings storage, String keyPrefix) {
    var bucket = storage.inputBucket();
    try (var s3 =
        S3Client.builder()
            .endpointOverride(URI.create(storage.endpoint()))
            .region(Region.of(storage.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(storage.accessKey(), storage.secretKey())))
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
            .build()) {
      try {
        s3.headBucket(b -> b.bucket(bucket));
      } catch (NoSuchBucketException missing) {
        s3.createBucket(b -> b.bucket(bucket));
      }
      var uris = new ArrayList<String>();
      for (int i = 0; i < DOCUMENTS.length; i += 2) {
        var key = keyPrefix + DOCUMENTS[i];
        s3.putObject(
            b -> b.bucket(bucket).key(key).contentType("text/plain"),
            RequestBody.fromString(DOCUMENTS[i + 1], StandardCharsets.UTF_8));
        uris.add("s3://" + bucket + "/" + key);
      }
      return uris;
    }
  }
}
