package io.algotask.adapters.algorithms;

import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the secrets of an invocation out of text quoted from an algorithm's answer, which may echo
 * its request: the callback token, the presigned URLs, and any query string that signs a request.
 * What is left may go into errors, histories and results.
 */
public final class Redaction {
  static final String REDACTED = "[redacted]";

  /** Characters that end a URL or a token in JSON, HTML, headers or plain text. */
  private static final String VALUE = "[^\\s\"'<>,;)}\\]]*";

  /** A query string that carries a signature or credential, from its '?' on. */
  private static final Pattern SIGNED_QUERY =
      Pattern.compile(
          "\\?" + VALUE + "X-Amz-(?:Signature|Credential)" + VALUE, Pattern.CASE_INSENSITIVE);

  /** Such a parameter wherever it stands (escaped, encoded, without its URL). */
  private static final Pattern SIGNING_PARAMETER =
      Pattern.compile(
          "X-Amz-(?:Signature|Credential|Security-Token)" + VALUE, Pattern.CASE_INSENSITIVE);

  /** The shape of a callback token: v1.<key id>.<claims>.<signature>. */
  private static final Pattern CALLBACK_TOKEN =
      Pattern.compile("v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{20,}");

  private static final Redaction NOTHING_KNOWN = new Redaction(List.of());

  private final List<String> secrets;

  private Redaction(Collection<String> secrets) {
    this.secrets =
        secrets.stream()
            .filter(s -> s != null && !s.isEmpty())
            // the longest first: a URL before any part of it
            .sorted((a, b) -> Integer.compare(b.length(), a.length()))
            .toList();
  }

  /** Redaction of the given secrets (the token and URLs of one invocation) and of their shapes. */
  public static Redaction of(Collection<String> secrets) {
    return new Redaction(secrets);
  }

  /** Redaction of what looks like a token or a signed URL, when no secret is known. */
  public static Redaction ofShapes() {
    return NOTHING_KNOWN;
  }

  public String apply(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    var redacted = text;
    for (var secret : secrets) {
      redacted = redacted.replace(secret, REDACTED);
    }
    redacted = SIGNED_QUERY.matcher(redacted).replaceAll(Matcher.quoteReplacement("?" + REDACTED));
    redacted = SIGNING_PARAMETER.matcher(redacted).replaceAll(REDACTED);
    return CALLBACK_TOKEN.matcher(redacted).replaceAll(REDACTED);
  }
}
