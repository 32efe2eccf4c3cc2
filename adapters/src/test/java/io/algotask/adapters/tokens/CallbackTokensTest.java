package io.algotask.adapters.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CallbackTokensTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final String KEY_A = "key-a-0123456789-0123456789-0123456789";
  private static final String KEY_B = "key-b-0123456789-0123456789-0123456789";
  private static final CallbackClaims CLAIMS =
      new CallbackClaims("doc-42", 2, "ocr", NOW.plus(Duration.ofHours(1)));

  private static CallbackProperties properties(Map<String, String> keys, String activeKeyId) {
    return new CallbackProperties(
        URI.create("http://127.0.0.1:8080"),
        keys.entrySet().stream()
            .map(key -> new CallbackProperties.SigningKey(key.getKey(), key.getValue()))
            .toList(),
        activeKeyId,
        Duration.ofHours(24));
  }

  private static CallbackTokens tokensAt(Instant now, Map<String, String> keys, String active) {
    return new CallbackTokens(properties(keys, active), Clock.fixed(now, ZoneOffset.UTC));
  }

  private static CallbackTokens keyA() {
    return tokensAt(NOW, Map.of("a", KEY_A), "a");
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aMintedTokenVerifiesToItsClaims() throws Exception {
    var tokens = keyA();

    var token = tokens.mint(CLAIMS);

    assertThat(tokens.verify(token)).isEqualTo(CLAIMS);
    assertThat(token).startsWith("v1.a.").doesNotContain("doc-42");
    assertThat(token.split("\\.")).hasSize(4);
  }

  @Test
  void tokensOfDifferentAttemptsDiffer() throws Exception {
    var tokens = keyA();
    var second = new CallbackClaims("doc-42", 3, "ocr", CLAIMS.expiresAt());

    assertThat(tokens.mint(second)).isNotEqualTo(tokens.mint(CLAIMS));
    assertThat(tokens.verify(tokens.mint(second)).attempt()).isEqualTo(3);
  }

  @Test
  void aTokenWithAnotherPayloadIsRefused() {
    var tokens = keyA();
    var parts = tokens.mint(CLAIMS).split("\\.");
    var forgedPayload =
        encode(
            String.join(
                "\n", "doc-43", "2", "ocr", Long.toString(CLAIMS.expiresAt().getEpochSecond())));

    var forged = parts[0] + "." + parts[1] + "." + forgedPayload + "." + parts[3];

    assertThatThrownBy(() -> tokens.verify(forged))
        .isInstanceOf(InvalidCallbackTokenException.class);
  }

  @Test
  void aTokenWithAnotherAttemptsSignatureIsRefused() {
    var tokens = keyA();
    var mine = tokens.mint(CLAIMS).split("\\.");
    var other =
        tokens.mint(new CallbackClaims("doc-42", 3, "ocr", CLAIMS.expiresAt())).split("\\.");

    var spliced = mine[0] + "." + mine[1] + "." + mine[2] + "." + other[3];

    assertThatThrownBy(() -> tokens.verify(spliced))
        .isInstanceOf(InvalidCallbackTokenException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void aTokenWithAChangeInTheMiddleOfItsSignatureIsRefused() {
    var tokens = keyA();
    var token = tokens.mint(CLAIMS);
    var at = token.lastIndexOf('.') + 10;
    var changed =
        token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);

    assertThatThrownBy(() -> tokens.verify(changed))
        .isInstanceOf(InvalidCallbackTokenException.class);
  }

  /**
   * A token is a credential compared as it was issued: no other spelling of it may verify, not even
   * one that decodes to the same signature bytes.
   */
  @Test
  void everyAlteredSpellingOfATokenIsRefused() {
    var tokens = keyA();
    var token = tokens.mint(CLAIMS);
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    var accepted = new ArrayList<String>();
    for (int i = 0; i < token.length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c == token.charAt(i)) {
          continue;
        }
        var altered = token.substring(0, i) + c + token.substring(i + 1);
        if (verifies(tokens, altered)) {
          accepted.add("position " + i + " '" + token.charAt(i) + "'->'" + c + "'");
        }
      }
    }
    for (var suffix : List.of(".", "..", "A")) {
      if (verifies(tokens, token + suffix)) {
        accepted.add("suffix '" + suffix + "'");
      }
    }

    assertThat(accepted).as("altered spellings of %s that verified", token).isEmpty();
  }

  private static boolean verifies(CallbackTokens tokens, String token) {
    try {
      tokens.verify(token);
      return true;
    } catch (InvalidCallbackTokenException refused) {
      return false;
    }
  }

  @Test
  void aTokenIsValidUntilItsExpiryAndRefusedFromThenOn() throws Exception {
    var token = keyA().mint(CLAIMS);
    var keys = Map.of("a", KEY_A);

    var justBefore = tokensAt(CLAIMS.expiresAt().minusSeconds(1), keys, "a");
    var atExpiry = tokensAt(CLAIMS.expiresAt(), keys, "a");
    var dayAfter = tokensAt(CLAIMS.expiresAt().plus(Duration.ofDays(1)), keys, "a");

    assertThat(justBefore.verify(token)).isEqualTo(CLAIMS);
    assertThatThrownBy(() -> atExpiry.verify(token))
        .isInstanceOf(InvalidCallbackTokenException.class)
        .hasMessageContaining("expired");
    assertThatThrownBy(() -> dayAfter.verify(token))
        .isInstanceOf(InvalidCallbackTokenException.class);
  }

  @Test
  void aTokenSignedByAnUnknownKeyIsRefused() {
    var foreign = tokensAt(NOW, Map.of("b", KEY_B), "b").mint(CLAIMS);

    assertThatThrownBy(() -> keyA().verify(foreign))
        .isInstanceOf(InvalidCallbackTokenException.class)
        .hasMessageContaining("unknown key");
  }

  @Test
  void aTokenClaimingAnotherConfiguredKeyIdIsRefused() {
    var both = new LinkedHashMap<String, String>();
    both.put("a", KEY_A);
    both.put("b", KEY_B);
    var verifier = tokensAt(NOW, both, "a");
    var signedByA = verifier.mint(CLAIMS);

    var relabelled = signedByA.replaceFirst("^v1\\.a\\.", "v1.b.");

    assertThatThrownBy(() -> verifier.verify(relabelled))
        .isInstanceOf(InvalidCallbackTokenException.class);
  }

  @Test
  void afterARotationTokensOfTheOldKeyStillVerifyWhileItIsConfigured() throws Exception {
    var beforeRotation = keyA();
    var oldToken = beforeRotation.mint(CLAIMS);
    var both = new LinkedHashMap<String, String>();
    both.put("a", KEY_A);
    both.put("b", KEY_B);

    var afterRotation = tokensAt(NOW, both, "b");
    var newToken = afterRotation.mint(CLAIMS);

    assertThat(afterRotation.verify(oldToken)).isEqualTo(CLAIMS);
    assertThat(newToken).startsWith("v1.b.");
    assertThat(afterRotation.verify(newToken)).isEqualTo(CLAIMS);
    // once the old key is retired, its tokens are refused
    var retired = tokensAt(NOW, Map.of("b", KEY_B), "b");
    assertThat(retired.verify(newToken)).isEqualTo(CLAIMS);
    assertThatThrownBy(() -> retired.verify(oldToken))
        .isInstanceOf(InvalidCallbackTokenException.class);
  }

  @Test
  void aKeyShorterThan32BytesIsRefusedAtConstruction() {
    var short31 = "k".repeat(31);

    assertThatThrownBy(() -> tokensAt(NOW, Map.of("a", short31), "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    // a short retired key is refused as well: it could still verify forged tokens
    assertThatThrownBy(() -> tokensAt(NOW, Map.of("a", KEY_A, "old", short31), "a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(tokensAt(NOW, Map.of("a", "k".repeat(32)), "a")).isNotNull();
  }

  @Test
  void anActiveKeyIdThatIsNotConfiguredIsRefusedAtConstruction() {
    assertThatThrownBy(() -> tokensAt(NOW, Map.of("a", KEY_A), "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("active-key-id");
  }

  @Test
  void aKeyIdWithADotIsRefusedAtConstruction() {
    assertThatThrownBy(() -> tokensAt(NOW, Map.of("a.1", KEY_A), "a.1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void garbageIsRefusedAsAnInvalidTokenAndNeverWithAnotherException() {
    var tokens = keyA();
    var valid = tokens.mint(CLAIMS);
    var parts = valid.split("\\.");
    var garbage = new ArrayList<String>();
    garbage.add(null);
    garbage.add("");
    garbage.add("   ");
    garbage.add("v1.x");
    garbage.add("v1");
    garbage.add("....");
    garbage.add("v1.a..");
    garbage.add("v1.a.x.y");
    garbage.add("v1.a.%%%.***");
    garbage.add("v1.a." + parts[2] + ".");
    garbage.add("v1.a." + parts[2] + ".not base64!");
    garbage.add("v1.a." + parts[2]);
    garbage.add("v2." + parts[1] + "." + parts[2] + "." + parts[3]);
    garbage.add(valid + ".extra");
    garbage.add("Bearer " + valid);
    garbage.add(valid.substring(0, valid.length() - 5));
    garbage.add(parts[0] + "." + parts[1] + "." + encode("only\ntwo") + "." + parts[3]);
    var random = new Random(42);
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/= \n\u00e9";
    for (int i = 0; i < 500; i++) {
      var text = new StringBuilder();
      var length = random.nextInt(120);
      for (int j = 0; j < length; j++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      garbage.add(text.toString());
      garbage.add("v1.a." + text);
    }

    for (var token : garbage) {
      assertThatThrownBy(() -> tokens.verify(token))
          .as("token %s", token)
          .isInstanceOf(InvalidCallbackTokenException.class);
    }
  }
}
