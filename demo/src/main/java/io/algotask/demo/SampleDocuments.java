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
final class SampleDocuments {
  private static final String[] DOCUMENTS = {
    "invoice-0042.txt",
    "INVOICE 0042\nAcme Corp\nTotal due: 1,250.00 EUR\nDue date: 2026-12-31\n",
    "contract-7.txt",
    "SERVICE AGREEMENT\nBetween Acme Corp and Example Ltd\nTerm: 24 months\n",
    "letter-19.txt",
    "Dear customer,\nyour claim 19 was received and will be processed within 5 days.\n"
  };

  private SampleDocuments() {}

  /** Uploads the documents and returns their s3:// uris. */
  static List<String> upload(DemoSettings settings) {
    try (var s3 =
        S3Client.builder()
            .endpointOverride(URI.create(settings.s3Endpoint()))
            .region(Region.of(settings.s3Region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.s3AccessKey(), settings.s3SecretKey())))
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
            .build()) {
      try {
        s3.headBucket(b -> b.bucket(settings.inputBucket()));
      } catch (NoSuchBucketException missing) {
        s3.createBucket(b -> b.bucket(settings.inputBucket()));
      }
      var uris = new ArrayList<String>();
      for (int i = 0; i < DOCUMENTS.length; i += 2) {
        var key = "demo/" + DOCUMENTS[i];
        s3.putObject(
            b -> b.bucket(settings.inputBucket()).key(key).contentType("text/plain"),
            RequestBody.fromString(DOCUMENTS[i + 1], StandardCharsets.UTF_8));
        uris.add("s3://" + settings.inputBucket() + "/" + key);
      }
      return uris;
    }
  }
}
