package io.algotask.adapters.storage;

import java.util.LinkedHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ObjectStorageProperties.class)
public class ObjectStorageConfiguration {
  private static final Logger log = LoggerFactory.getLogger(ObjectStorageConfiguration.class);

  private static S3Configuration pathStyle() {
    return S3Configuration.builder().pathStyleAccessEnabled(true).build();
  }

  @Bean(destroyMethod = "close")
  S3Client s3Client(ObjectStorageProperties properties) {
    var builder =
        S3Client.builder()
            .region(Region.of(properties.region()))
            .credentialsProvider(credentials(properties))
            .serviceConfiguration(pathStyle());
    if (properties.endpoint() != null) {
      builder.endpointOverride(properties.endpoint());
    }
    return builder.build();
  }

  @Bean(destroyMethod = "close")
  S3Presigner s3Presigner(ObjectStorageProperties properties) {
    var builder =
        S3Presigner.builder()
            .region(Region.of(properties.region()))
            .credentialsProvider(credentials(properties))
            .serviceConfiguration(pathStyle());
    if (properties.endpoint() != null) {
      builder.endpointOverride(properties.endpoint());
    }
    return builder.build();
  }

  @Bean
  ObjectStorage objectStorage(
      S3Client s3Client, S3Presigner s3Presigner, ObjectStorageProperties properties) {
    return new ObjectStorage(s3Client, s3Presigner, properties);
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

  private static StaticCredentialsProvider credentials(ObjectStorageProperties properties) {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(properties.accessKey(), properties.secretKey()));
  }
}
