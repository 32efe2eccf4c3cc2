package io.algotask.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestSignaturesTest {
  // the test vector of docs/algorithm-services.md, section 8
  private static final String SECRET = "algotask-example-signing-key-0123456789";
  private static final byte[] BODY =
      "{\"taskId\":\"doc-42\",\"attempt\":1}".getBytes(StandardCharsets.UTF_8);
  private static final String V1 =
      "5b72b430b6dca01cb4c520bbfbf8b8b20f34f7ebbeec63f6e96a79e7158dfab8";
  private static final String HEADER = "t=1700000000,kid=example,v1=" + V1;

  private static RequestSignatures at(long epochSecond) {
    return new RequestSignatures(
        Map.of("old", "an-older-key-still-accepted-during-rotation", "example", SECRET),
        300,
        Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
  }

  @Test
  void theGuidesTestVector() {
    assertThat(RequestSignatures.signature(SECRET, "1700000000", BODY)).isEqualTo(V1);
    assertThat(at(1_700_000_000).check(HEADER, BODY)).isNull();
    assertThat(at(1_700_000_000).check(" t=1700000000, kid=example, v1=" + V1, BODY)).isNull();
  }

  @Test
  void acceptsATimeWithinTheToleranceEitherWay() {
    assertThat(at(1_700_000_300).check(HEADER, BODY)).isNull();
    assertThat(at(1_699_999_700).check(HEADER, BODY)).isNull();
  }

  @Test
  void eachRefusalSaysWhatWasWrong() {
    RequestSignatures signatures = at(1_700_000_000);
    assertThat(signatures.check(null, BODY).code()).isEqualTo("SIGNATURE_MISSING");
    assertThat(signatures.check("v1=" + V1, BODY).code()).isEqualTo("SIGNATURE_MALFORMED");
    assertThat(signatures.check("t=soon,kid=example,v1=" + V1, BODY).code())
        .isEqualTo("SIGNATURE_MALFORMED");
    RequestSignatures.Rejection unknown =
        signatures.check("t=1700000000,kid=retired,v1=" + V1, BODY);
    assertThat(unknown.code()).isEqualTo("SIGNATURE_UNKNOWN_KEY");
    assertThat(unknown.message()).contains("'retired'");
    RequestSignatures.Rejection altered =
        signatures.check(HEADER, "{\"taskId\":\"doc-42\",\"attempt\":2}".getBytes());
    assertThat(altered.code()).isEqualTo("SIGNATURE_MISMATCH");
    assertThat(signatures.check("t=1700000000,kid=old,v1=" + V1, BODY).code())
        .isEqualTo("SIGNATURE_MISMATCH");
    RequestSignatures.Rejection late = at(1_700_000_301).check(HEADER, BODY);
    assertThat(late.code()).isEqualTo("SIGNATURE_EXPIRED");
    assertThat(late.message()).contains("301 s behind").contains("tolerance of 300 s");
    assertThat(at(1_699_999_699).check(HEADER, BODY).message()).contains("301 s ahead");
  }

  @Test
  void withoutKeysNothingIsChecked() {
    RequestSignatures none = new RequestSignatures(Map.of(), 300, Clock.systemUTC());
    assertThat(none.checking()).isFalse();
    assertThat(none.check(null, BODY)).isNull();
  }

  @Test
  void keysAreReadFromIdColonSecretPairs() {
    assertThat(RequestSignatures.parseKeys("k1:first-secret, k2:second:with-colon"))
        .containsExactly(Map.entry("k1", "first-secret"), Map.entry("k2", "second:with-colon"));
    assertThat(RequestSignatures.parseKeys(null)).isEmpty();
    assertThatThrownBy(() -> RequestSignatures.parseKeys("k1:a,k1:b"))
        .hasMessage("signing-keys names the key 'k1' twice");
    assertThatThrownBy(() -> RequestSignatures.parseKeys("just-a-secret"))
        .hasMessageContaining("id:secret")
        .hasMessageNotContaining("just-a-secret");
  }
}
