package io.algotask.adapters.algorithms;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an {@code Algotask-Signature} as an algorithm service does (docs/algorithm-services.md),
 * written apart from the signer: the key named by kid, the HMAC of "t.body" compared in constant
 * time. The time is left to the caller.
 */
public final class SignatureCheck {
  private SignatureCheck() {}

  /** Whether the header signs this body with this key. */
  public static boolean verifies(String header, String body, String keyId, String secret) {
    if (header == null) {
      return false;
    }
    var fields = new HashMap<String, String>();
    for (var part : header.split(",")) {
      var pair = part.split("=", 2);
      fields.put(pair[0].trim(), pair.length == 2 ? pair[1].trim() : "");
    }
    if (!keyId.equals(fields.get("kid")) || fields.get("v1") == null) {
      return false;
    }
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      var expected =
          HexFormat.of()
              .formatHex(
                  mac.doFinal((fields.get("t") + "." + body).getBytes(StandardCharsets.UTF_8)));
      return MessageDigest.isEqual(
          expected.getBytes(StandardCharsets.US_ASCII),
          fields.get("v1").getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The signing time the header names, in Unix seconds. */
  public static long signedAt(String header) {
    for (var part : header.split(",")) {
      if (part.trim().startsWith("t=")) {
        return Long.parseLong(part.trim().substring(2));
      }
    }
    throw new IllegalArgumentException("no t in " + header);
  }
}
