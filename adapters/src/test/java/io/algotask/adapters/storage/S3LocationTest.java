package io.algotask.adapters.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3LocationTest {

  @Test
  void parsesBucketAndKey() {
    var location = S3Location.parse("s3://algotask-documents/acme/2026/doc-42.pdf");
    assertThat(location.bucket()).isEqualTo("algotask-documents");
    assertThat(location.key()).isEqualTo("acme/2026/doc-42.pdf");
    assertThat(location.uri()).isEqualTo("s3://algotask-documents/acme/2026/doc-42.pdf");
  }

  @Test
  void refusesWhatIsNotAnS3Uri() {
    for (var bad : new String[] {"http://x/y", "s3://bucket", "s3://bucket/", "s3://B!/k", ""}) {
      assertThatThrownBy(() -> S3Location.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("s3://bucket/key");
    }
    assertThatThrownBy(() -> S3Location.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
