package io.algotask.ocr;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The service's settings: each from the command line ({@code --max-image-pixels=...}), else from
 * the environment ({@code OCR_MAX_IMAGE_PIXELS}), else its default.
 *
 * @param bindAddress the address the HTTP server listens on
 * @param port the HTTP port (0: any free port)
 * @param capacity jobs run at once; beyond it an invocation is answered 429
 * @param retryAfterSeconds the {@code Retry-After} of a 429
 * @param maxImagePixels the largest image (or rendered PDF page) accepted, in pixels
 * @param maxInputBytes the largest input file accepted
 * @param languages the Tesseract languages a task may ask for
 * @param defaultLanguage the language of a task whose {@code params.language} is absent
 * @param pdfDpi the resolution PDF pages are rendered at
 * @param signingKeys the keys (id to secret) an invocation or a cancel may be signed with; none:
 *     requests are not checked
 * @param signatureToleranceSeconds how far a signature's time may be from this service's clock
 * @param pageTimeoutSeconds the longest one run of {@code tesseract}, {@code pdftoppm} or {@code
 *     pdfinfo} may take
 */
record OcrSettings(
    String bindAddress,
    int port,
    int capacity,
    int retryAfterSeconds,
    long maxImagePixels,
    long maxInputBytes,
    Set<String> languages,
    String defaultLanguage,
    int pdfDpi,
    String tesseract,
    String pdftoppm,
    String pdfinfo,
    SigningKeys signingKeys,
    long signatureToleranceSeconds,
    long pageTimeoutSeconds) {

  /**
   * The signing keys, id to secret. Printed as their ids only, so that settings written to a log
   * never show a secret.
   */
  record SigningKeys(Map<String, String> secrets) {
    SigningKeys {
      secrets = Map.copyOf(secrets);
    }

    @Override
    public String toString() {
      return "SigningKeys" + new TreeSet<>(secrets.keySet());
    }
  }

  static OcrSettings defaults() {
    return parse(new String[0], Map.of());
  }

  static OcrSettings parse(String[] args, Map<String, String> env) {
    Function<String, String> value =
        name -> {
          for (String arg : args) {
            if (arg.startsWith("--" + name + "=")) {
              return arg.substring(name.length() + 3);
            }
          }
          return env.get("OCR_" + name.toUpperCase().replace('-', '_'));
        };
    return new OcrSettings(
        orElse(value.apply("bind-address"), "127.0.0.1"),
        Math.toIntExact(number(value, "port", 8091, 0)),
        integer(value, "capacity", Runtime.getRuntime().availableProcessors()),
        integer(value, "retry-after-seconds", 2),
        number(value, "max-image-pixels", 40_000_000),
        number(value, "max-input-bytes", 100L * 1024 * 1024),
        new LinkedHashSet<>(List.of(orElse(value.apply("languages"), "eng,chi_sim").split(","))),
        orElse(value.apply("default-language"), "eng+chi_sim"),
        integer(value, "pdf-dpi", 200),
        orElse(value.apply("tesseract"), "tesseract"),
        orElse(value.apply("pdftoppm"), "pdftoppm"),
        orElse(value.apply("pdfinfo"), "pdfinfo"),
        new SigningKeys(RequestSignatures.parseKeys(value.apply("signing-keys"))),
        number(value, "signature-tolerance-seconds", 300),
        number(value, "page-timeout-seconds", 120));
  }

  private static String orElse(String value, String otherwise) {
    return value == null || value.isBlank() ? otherwise : value.strip();
  }

  private static int integer(Function<String, String> value, String name, int otherwise) {
    return Math.toIntExact(number(value, name, otherwise));
  }

  private static long number(Function<String, String> value, String name, long otherwise) {
    return number(value, name, otherwise, 1);
  }

  private static long number(
      Function<String, String> value, String name, long otherwise, long minimum) {
    String v = value.apply(name);
    if (v == null || v.isBlank()) {
      return otherwise;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n < minimum) {
        throw new IllegalArgumentException(name + " must be at least " + minimum + ", not " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not " + v, e);
    }
  }
}
