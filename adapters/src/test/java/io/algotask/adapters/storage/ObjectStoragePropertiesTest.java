package io.algotask.adapters.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectStoragePropertiesTest {

  private static ObjectStorageProperties withValidity(Duration result, Duration grace) {
    return new ObjectStorageProperties(
        URI.create("http://127.0.0.1:8333"),
        "us-east-1",
        "key",
        "secret",
        "results",
        List.of("documents"),
        false,
        result,
        grace,
        "",
        true);
  }

  private static ObjectStorageProperties withKeys(String accessKey, String secretKey) {
    return new ObjectStorageProperties(
        null,
        "eu-west-1",
        accessKey,
        secretKey,
        "results",
        List.of(),
        false,
        Duration.ofHours(24),
        Duration.ofMinutes(15),
        "",
        false);
  }

  @Test
  void urlLifetimesUpToSevenDaysAreAccepted() {
    var properties = withValidity(Duration.ofDays(7), Duration.ZERO);

    assertThat(properties.resultUrlValidity()).isEqualTo(Duration.ofDays(7));
    assertThat(properties.invocationUrlGrace()).isZero();
  }

  @Test
  void aResultUrlLifetimeOfNothingOrOverSevenDaysIsRefusedNamingTheSetting() {
    for (var validity : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(8))) {
      assertThatThrownBy(() -> withValidity(validity, Duration.ofMinutes(15)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("algotask.storage.result-url-validity");
    }
  }

  @Test
  void aNegativeOrOverlongInvocationUrlGraceIsRefusedNamingTheSetting() {
    for (var grace : List.of(Duration.ofSeconds(-1), Duration.ofDays(8))) {
      assertThatThrownBy(() -> withValidity(Duration.ofHours(1), grace))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("algotask.storage.invocation-url-grace");
    }
  }

  @Test
  void withoutKeysOrEndpointTheDefaultChainAndAwsEndpointAreMeant() {
    for (var blank : List.of("", "  ")) {
      var properties = withKeys(blank, null);

      assertThat(properties.hasStaticKeys()).isFalse();
      assertThat(properties.accessKey()).isNull();
      assertThat(properties.secretKey()).isNull();
      assertThat(properties.endpoint()).isNull();
    }
    assertThat(withKeys("key", "secret").hasStaticKeys()).isTrue();
  }

  @Test
  void oneKeyWithoutTheOtherIsRefusedNamingBoth() {
    assertThatThrownBy(() -> withKeys("AKIAEXAMPLE", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("algotask.storage.access-key and algotask.storage.secret-key")
        .hasMessageContaining("only access-key is set");
    assertThatThrownBy(() -> withKeys(" ", "a-secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only secret-key is set");
  }
}
