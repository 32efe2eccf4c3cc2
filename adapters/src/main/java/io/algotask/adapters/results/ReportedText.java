package io.algotask.adapters.results;

import io.algotask.adapters.algorithms.Redaction;
import java.nio.charset.StandardCharsets;

/**
 * Strings an algorithm reports, as they are stored and published (contract section 7): messages cut
 * to 4 KiB, codes and content types to 256 characters, with {@code …} at the cut; text the store
 * cannot hold (U+0000, half of a surrogate pair) becomes U+FFFD; and what has the shape of a
 * callback token or a signed URL is redacted, since an algorithm may echo its invocation.
 */
public final class ReportedText {
  /** {@code error.message} and a progress {@code message}: UTF-8 bytes. */
  public static final int MESSAGE_BYTES = 4 * 1024;

  /** {@code error.code} and {@code output.contentType}: characters. */
  public static final int NAME_CHARACTERS = 256;

  private static final String CUT = "…";
  private static final int CUT_BYTES = CUT.getBytes(StandardCharsets.UTF_8).length;

  private ReportedText() {}

  /** A message as stored: at most {@link #MESSAGE_BYTES} bytes of UTF-8. */
  public static String message(String text) {
    if (text == null) {
      return null;
    }
    var clean = storable(Redaction.ofShapes().apply(text));
    if (clean.length() * 3 <= MESSAGE_BYTES
        || clean.getBytes(StandardCharsets.UTF_8).length <= MESSAGE_BYTES) {
      return clean;
    }
    var kept = new StringBuilder();
    var bytes = 0;
    for (var i = 0; i < clean.length(); ) {
      var codePoint = clean.codePointAt(i);
      var size = utf8Length(codePoint);
      if (bytes + size > MESSAGE_BYTES - CUT_BYTES) {
        break;
      }
      kept.appendCodePoint(codePoint);
      bytes += size;
      i += Character.charCount(codePoint);
    }
    return kept.append(CUT).toString();
  }

  /** A code or a content type as stored: at most {@link #NAME_CHARACTERS} characters. */
  public static String name(String text) {
    if (text == null) {
      return null;
    }
    var clean = storable(Redaction.ofShapes().apply(text));
    if (clean.codePointCount(0, clean.length()) <= NAME_CHARACTERS) {
      return clean;
    }
    var end = clean.offsetByCodePoints(0, NAME_CHARACTERS - 1);
    return clean.substring(0, end) + CUT;
  }

  private static String storable(String text) {
    StringBuilder replaced = null;
    for (var i = 0; i < text.length(); i++) {
      var c = text.charAt(i);
      var pair =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      var bad = c == 0 || (!pair && Character.isSurrogate(c));
      if (bad && replaced == null) {
        replaced = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (replaced != null) {
        if (pair) {
          replaced.append(c).append(text.charAt(i + 1));
        } else {
          replaced.append(bad ? '\uFFFD' : c);
        }
      }
      if (pair) {
        i++;
      }
    }
    return replaced == null ? text : replaced.toString();
  }

  private static int utf8Length(int codePoint) {
    if (codePoint < 0x80) {
      return 1;
    }
    if (codePoint < 0x800) {
      return 2;
    }
    return codePoint < 0x10000 ? 3 : 4;
  }
}
