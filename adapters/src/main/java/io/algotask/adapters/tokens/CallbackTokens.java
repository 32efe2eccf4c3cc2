package io.algotask.adapters.tokens;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Signed callback tokens, one per task attempt: {@code v1.<key id>.<claims>.<HMAC-SHA256>}. The key
 * id lets keys be rotated without breaking tasks in flight: a new key signs, old keys still verify.
 */
@Component
@EnableConfigurationProperties(CallbackProperties.class)
public class CallbackTokens {
  private static final String VERSION = "v1";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final int MINIMUM_KEY_BYTES = 32;

  private final Map<String, byte[]> keys = new HashMap<>();
  private final String activeKeyId;
  private final Clock clock;

  @Autowired
  public CallbackTokens(CallbackProperties properties) {
    this(properties, Clock.systemUTC());
  }

  CallbackTokens(CallbackProperties properties, Clock clock) {
    for (var signingKey : properties.signingKeys()) {
      var id = signingKey.id();
      var bytes = signingKey.secret().getBytes(StandardCharsets.UTF_8);
      if (bytes.length < MINIMUM_KEY_BYTES || id.contains(".")) {
        throw new IllegalArgumentException(
            "callback signing key '"
                + id
                + "' needs at least "
                + MINIMUM_KEY_BYTES
                + " bytes and an id without dots");
      }
      if (keys.put(id, bytes) != null) {
        throw new IllegalArgumentException("callback signing key '" + id + "' is set twice");
      }
    }
    if (!keys.containsKey(properties.activeKeyId())) {
      throw new IllegalArgumentException(
          "algotask.callback.active-key-id names no configured key: " + properties.activeKeyId());
    }
    this.activeKeyId = properties.activeKeyId();
    this.clock = clock;
  }

  public String mint(CallbackClaims claims) {
    var payload =
        ENCODER.encodeToString(
            String.join(
                    "\n",
                    claims.taskId(),
                    Integer.toString(claims.attempt()),
                    claims.algorithm(),
                    Long.toString(claims.expiresAt().getEpochSecond()))
                .getBytes(StandardCharsets.UTF_8));
    var signed = VERSION + "." + activeKeyId + "." + payload;
    return signed + "." + ENCODER.encodeToString(sign(keys.get(activeKeyId), signed));
  }

  /** The claims of a genuine, unexpired token. */
  public CallbackClaims verify(String token) throws InvalidCallbackTokenException {
    if (token == null || token.isBlank()) {
      throw new InvalidCallbackTokenException("no token");
    }
    var parts = token.split("\\.", -1);
    if (parts.length != 4 || !VERSION.equals(parts[0])) {
      throw new InvalidCallbackTokenException("not a callback token");
    }
    var key = keys.get(parts[1]);
    if (key == null) {
      throw new InvalidCallbackTokenException("signed by an unknown key");
    }
    // Compared as text: a decoder would accept several spellings of the same signature.
    var expected = ENCODER.encodeToString(sign(key, parts[0] + "." + parts[1] + "." + parts[2]));
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), parts[3].getBytes(StandardCharsets.UTF_8))) {
      throw new InvalidCallbackTokenException("bad signature");
    }
    String[] fields;
    try {
      fields = new String(DECODER.decode(parts[2]), StandardCharsets.UTF_8).split("\n", -1);
    } catch (IllegalArgumentException e) {
      throw new InvalidCallbackTokenException("not a callback token");
    }
    if (fields.length != 4) {
      throw new InvalidCallbackTokenException("not a callback token");
    }
    var claims =
        new CallbackClaims(
            fields[0],
            Integer.parseInt(fields[1]),
            fields[2],
            Instant.ofEpochSecond(Long.parseLong(fields[3])));
    if (!clock.instant().isBefore(claims.expiresAt())) {
      throw new InvalidCallbackTokenException("expired");
    }
    return claims;
  }

  private static byte[] sign(byte[] key, String content) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
