package io.algotask.adapters.algorithms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.algotask.adapters.tokens.CallbackProperties.SigningKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The signature header of requests to algorithm services, and how a service checks it. */
class InvocationSignerTest {
  /** The example key and vector of docs/algorithm-services.md. */
  static final String EXAMPLE_SECRET = "algotask-example-signing-key-0123456789";

  private static final String BODY = "{\"taskId\":\"doc-42\",\"attempt\":1}";

  /** Keys "2025-06" and "2026-12" (each signing with {@link #secretOf}), one of them active. */
  static InvocationSigningProperties signingWith(String activeKeyId) {
    return new InvocationSigningProperties(
        List.of(
            new SigningKey("2025-06", secretOf("2025-06")),
            new SigningKey("2026-12", secretOf("2026-12"))),
        activeKeyId);
  }

  static String secretOf(String keyId) {
    return "a-test-signing-key-of-at-least-32-bytes-" + keyId;
  }

  /** Whether the header signs the body with the test key of that id. */
  static boolean verifies(String header, String body, String keyId) {
    return SignatureCheck.verifies(header, body, keyId, secretOf(keyId));
  }

  @Test
  void theDocumentedVectorIsWhatTheSignerProduces() throws Exception {
    var signer =
        new InvocationSigner(
            new InvocationSigningProperties(
                List.of(new SigningKey("example", EXAMPLE_SECRET)), "example"));

    var header = signer.header(1_700_000_000L, BODY);

    // computed apart: python3 -c "import hmac,hashlib;print(hmac.new(key,b'1700000000.'+body,
    // hashlib.sha256).hexdigest())"
    assertThat(header)
        .isEqualTo(
            "t=1700000000,kid=example,"
                + "v1=5b72b430b6dca01cb4c520bbfbf8b8b20f34f7ebbeec63f6e96a79e7158dfab8");
    var doc = Files.readString(Path.of("..", "docs", "algorithm-services.md"));
    assertThat(doc)
        .contains("`" + EXAMPLE_SECRET + "` (key id `example`)")
        .contains("the body `" + BODY + "`")
        .contains(header.substring(header.indexOf("v1=")));
  }

  @Test
  void eachSendIsSignedWithTheActiveKeyAtItsOwnTime() {
    var clock = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);
    var signer = new InvocationSigner(signingWith("2026-12"), clock);
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1/algorithms/ocr"));

    signer.sign(request, BODY);

    var header = request.build().headers().firstValue(InvocationSigner.HEADER).orElseThrow();
    assertThat(header).startsWith("t=" + clock.instant().getEpochSecond() + ",kid=2026-12,v1=");
    assertThat(verifies(header, BODY, "2026-12")).isTrue();
    assertThat(verifies(header, BODY, "2025-06")).as("signed by the active key alone").isFalse();
    assertThat(verifies(header, BODY.replace("42", "43"), "2026-12")).as("another body").isFalse();
    assertThat(verifies(header.replace("t=", "t=1"), BODY, "2026-12")).as("another time").isFalse();
  }

  @Test
  void rotatingIsSwitchingTheActiveKey() {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1/algorithms/ocr"));

    new InvocationSigner(signingWith("2025-06")).sign(request, BODY);

    var header = request.build().headers().firstValue(InvocationSigner.HEADER).orElseThrow();
    assertThat(verifies(header, BODY, "2025-06")).isTrue();
  }

  @Test
  void withoutKeysNothingIsSigned() {
    var signer = new InvocationSigner(new InvocationSigningProperties(null, null));
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1/algorithms/ocr"));

    signer.sign(request, BODY);

    assertThat(signer.signing()).isFalse();
    assertThat(request.build().headers().map()).doesNotContainKey(InvocationSigner.HEADER);
  }

  @Test
  void keysThatCannotSignAreRefusedAtStart() {
    assertThatThrownBy(() -> new InvocationSigner(signingWith("2027-01")))
        .hasMessageContaining("active-key-id names no configured key: 2027-01");
    assertThatThrownBy(() -> new InvocationSigner(signingWith(null)))
        .hasMessageContaining("active-key-id");
    assertThatThrownBy(
            () ->
                new InvocationSigner(
                    new InvocationSigningProperties(
                        List.of(new SigningKey("short", "too-short")), "short")))
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(
            () ->
                new InvocationSigner(
                    new InvocationSigningProperties(
                        List.of(new SigningKey("a,b", EXAMPLE_SECRET)), "a,b")))
        .as("an id that would break the header")
        .hasMessageContaining("an id of letters");
    assertThatThrownBy(
            () ->
                new InvocationSigner(
                    new InvocationSigningProperties(
                        List.of(
                            new SigningKey("same", EXAMPLE_SECRET),
                            new SigningKey("same", EXAMPLE_SECRET)),
                        "same")))
        .hasMessageContaining("set twice");
  }
}
