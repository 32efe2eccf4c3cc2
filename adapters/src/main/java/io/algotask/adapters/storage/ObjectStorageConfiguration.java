package io.algotask.adapters.storage;

import java.util.LinkedHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ObjectStorageProperties.class)
public class ObjectStorageConfiguration {
  private static final Logger log = LoggerFactory.getLogger(ObjectStorageConfiguration.class);

  private static S3Configuration addressing(ObjectStorageProperties properties) {
    return S3Configuration.builder().pathStyleAccessEnabled(properties.pathStyleAccess()).build();
  }

  /**
   * The static keys when given, else the AWS SDK's default chain: environment, system properties, a
   * web identity token (Kubernetes IRSA), profile files, the container or instance profile. The
   * chain caches what it found and refreshes temporary credentials before they expire.
   */
  @Bean
  AwsCredentialsProvider s3CredentialsProvider(ObjectStorageProperties properties) {
    if (properties.hasStaticKeys()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(properties.accessKey(), properties.secretKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Bean(destroyMethod = "close")
  S3Client s3Client(ObjectStorageProperties properties, AwsCredentialsProvider credentials) {
    var builder =
        S3Client.builder()
            .region(Region.of(properties.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(addressing(properties));
    if (properties.endpoint() != null) {
      builder.endpointOverride(properties.endpoint());
    }
    return builder.build();
  }

  @Bean
  ObjectStorage objectStorage(
      S3Client s3Client, AwsCredentialsProvider credentials, ObjectStorageProperties properties) {
    return new ObjectStorage(s3Client, credentials, properties);
  }

  /** Creates the configured buckets when asked to; a failure is logged and shows in health. */
  @Bean
  ApplicationRunner objectStorageBuckets(
      ObjectStorage storage, ObjectStorageProperties properties) {
    return args -> {
      if (!properties.createBuckets()) {
        return;
      }
      var buckets = new LinkedHashSet<String>(properties.inputBuckets());
      buckets.add(properties.resultBucket());
      for (var bucket : buckets) {
        try {
          storage.ensureBucket(bucket);
        } catch (RuntimeException e) {
          log.warn("Could not create bucket {}: {}", bucket, e.toString());
        }
      }
    };
  }

  @Bean("s3HealthIndicator")
  ObjectStorageHealthIndicator s3HealthIndicator(
      S3Client s3Client, ObjectStorageProperties properties) {
    return new ObjectStorageHealthIndicator(s3Client, properties);
  }
}
