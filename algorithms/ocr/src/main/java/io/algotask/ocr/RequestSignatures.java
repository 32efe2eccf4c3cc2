package io.algotask.ocr;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that an invocation or a cancel comes from Algotask (docs/algorithm-services.md, section
 * 8): the header {@value #HEADER}, {@code t=<unix seconds>,kid=<key id>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">}, signed with one of the keys this service accepts (several during a rotation), at
 * a {@code t} within the tolerance of this service's clock.
 */
final class RequestSignatures {
  static final String HEADER = "Algotask-Signature";

  /** Why a request is refused: a code and a message that says what was wrong. */
  record Rejection(String code, String message) {}

  private final Map<String, SecretKeySpec> keys = new HashMap<>();
  private final long toleranceSeconds;
  private final Clock clock;

  RequestSignatures(Map<String, String> secrets, long toleranceSeconds, Clock clock) {
    secrets.forEach((id, secret) -> keys.put(id, key(secret)));
    this.toleranceSeconds = toleranceSeconds;
    this.clock = clock;
  }

  /** Whether requests are checked at all: some key is configured. */
  boolean checking() {
    return !keys.isEmpty();
  }

  /**
   * @param header the {@value #HEADER} value, or null when the request has none
   * @param body the request's body exactly as received
   * @return why the request is refused, or null when it is signed by a known key, in time
   */
  Rejection check(String header, byte[] body) {
    if (!checking()) {
      return null;
    }
    if (header == null || header.isBlank()) {
      return new Rejection("SIGNATURE_MISSING", "the request has no " + HEADER + " header");
    }
    Map<String, String> fields = new HashMap<>();
    for (String part : header.split(",")) {
      String[] pair = part.strip().split("=", 2);
      if (pair.length == 2) {
        fields.put(pair[0], pair[1]);
      }
    }
    String timestamp = fields.get("t");
    String keyId = fields.get("kid");
    String signature = fields.get("v1");
    long sentAt;
    try {
      sentAt = Long.parseLong(timestamp == null ? "" : timestamp);
    } catch (NumberFormatException e) {
      sentAt = -1;
    }
    if (keyId == null || signature == null || sentAt < 0) {
      return new Rejection(
          "SIGNATURE_MALFORMED",
          "the " + HEADER + " header is not t=<unix seconds>,kid=...,v1=...");
    }
    SecretKeySpec key = keys.get(keyId);
    if (key == null) {
      return new Rejection(
          "SIGNATURE_UNKNOWN_KEY",
          "the signing key '" + keyId + "' is not one this service accepts");
    }
    long skew = clock.instant().getEpochSecond() - sentAt;
    if (Math.abs(skew) > toleranceSeconds) {
      return new Rejection(
          "SIGNATURE_EXPIRED",
          "the signature's time t="
              + timestamp
              + " is "
              + Math.abs(skew)
              + " s "
              + (skew > 0 ? "behind" : "ahead of")
              + " this service's clock, beyond the tolerance of "
              + toleranceSeconds
              + " s");
    }
    // constant time: how much of a guess matches must not show in how long the answer takes
    if (!MessageDigest.isEqual(
        signature(key, timestamp, body).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII))) {
      return new Rejection(
          "SIGNATURE_MISMATCH",
          "the signature does not match the body for key '"
              + keyId
              + "' (a different secret, or an altered body)");
    }
    return null;
  }

  /** The lower-case hex HMAC-SHA256 of {@code "<timestamp>.<body>"}. */
  static String signature(String secret, String timestamp, byte[] body) {
    return signature(key(secret), timestamp, body);
  }

  private static String signature(SecretKeySpec key, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static SecretKeySpec key(String secret) {
    return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /**
   * The keys of the setting {@code signing-keys}: {@code id:secret,id2:secret2}.
   *
   * @throws IllegalArgumentException naming the entry that is wrong (never its secret)
   */
  static Map<String, String> parseKeys(String value) {
    Map<String, String> keys = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return keys;
    }
    String[] entries = value.split(",");
    for (int i = 0; i < entries.length; i++) {
      int colon = entries[i].indexOf(':');
      String id = colon < 0 ? "" : entries[i].substring(0, colon).strip();
      String secret = entries[i].substring(colon + 1).strip();
      if (id.isEmpty() || secret.isEmpty()) {
        // no text of the entry in the message: it may be a secret without its id
        throw new IllegalArgumentException(
            "signing-keys must be id:secret,id2:secret2; its entry " + (i + 1) + " is not");
      }
      if (keys.put(id, secret) != null) {
        throw new IllegalArgumentException("signing-keys names the key '" + id + "' twice");
      }
    }
    return keys;
  }
}
