package io.algotask.adapters.algorithms;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HashSet;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Signs each request to an algorithm service with the header {@value #HEADER}: {@code t=<unix
 * seconds>,kid=<key id>,v1=<hex HMAC-SHA256 of "<t>.<body>">}. Every send is signed afresh, so a
 * resend of the same body carries a new time and a service can refuse old requests.
 */
@Component
@EnableConfigurationProperties(InvocationSigningProperties.class)
public class InvocationSigner {
  public static final String HEADER = "Algotask-Signature";
  private static final Logger log = LoggerFactory.getLogger(InvocationSigner.class);
  private static final int MINIMUM_KEY_BYTES = 32;

  private final String keyId;
  private final SecretKeySpec key;
  private final Clock clock;

  @Autowired
  public InvocationSigner(InvocationSigningProperties properties) {
    this(properties, Clock.systemUTC());
  }

  InvocationSigner(InvocationSigningProperties properties, Clock clock) {
    this.clock = clock;
    var ids = new HashSet<String>();
    SecretKeySpec active = null;
    for (var signingKey : properties.keys()) {
      var id = signingKey.id();
      var bytes = signingKey.secret().getBytes(StandardCharsets.UTF_8);
      if (bytes.length < MINIMUM_KEY_BYTES || !id.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "invocation signing key '"
                + id
                + "' needs at least "
                + MINIMUM_KEY_BYTES
                + " bytes and an id of letters, digits and ._-");
      }
      if (!ids.add(id)) {
        throw new IllegalArgumentException("invocation signing key '" + id + "' is set twice");
      }
      if (id.equals(properties.activeKeyId())) {
        active = new SecretKeySpec(bytes, "HmacSHA256");
      }
    }
    if (!ids.isEmpty() && active == null) {
      throw new IllegalArgumentException(
          "algotask.invocation.signing.active-key-id names no configured key: "
              + properties.activeKeyId());
    }
    this.keyId = active == null ? null : properties.activeKeyId();
    this.key = active;
    if (key == null) {
      log.warn(
          "requests to algorithm services are not signed: algotask.invocation.signing.keys is"
              + " empty");
    }
  }

  /** Whether requests are signed: a key is configured. */
  public boolean signing() {
    return key != null;
  }

  /** Adds the signature header for this body, now; nothing when no key is configured. */
  void sign(HttpRequest.Builder request, String body) {
    if (key != null) {
      request.header(HEADER, header(clock.instant().getEpochSecond(), body));
    }
  }

  /** The header's value for a body signed at a time (unix seconds). */
  String header(long timestamp, String body) {
    return "t=" + timestamp + ",kid=" + keyId + ",v1=" + signature(key, timestamp, body);
  }

  /** The hex HMAC-SHA256 of {@code "<timestamp>.<body>"}, the body as its UTF-8 bytes. */
  static String signature(SecretKeySpec key, long timestamp, String body) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of()
          .formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
