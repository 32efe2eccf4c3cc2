package io.algotask.ocr;

/**
 * Why a document could not be recognised. {@code retryable} is false when the input itself is at
 * fault (another attempt would fail the same way), true for the service's own trouble.
 */
final class OcrFailure extends Exception {
  static final String CORRUPT_FILE = "CORRUPT_FILE";
  static final String UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE";
  static final String EMPTY_PAGE = "EMPTY_PAGE";
  static final String IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE";
  static final String INPUT_TOO_LARGE = "INPUT_TOO_LARGE";
  static final String UNSUPPORTED_LANGUAGE = "UNSUPPORTED_LANGUAGE";
  static final String PAGE_TIME_LIMIT = "PAGE_TIME_LIMIT";
  static final String INPUT_UNREADABLE = "INPUT_UNREADABLE";
  static final String OCR_ERROR = "OCR_ERROR";

  private final String code;
  private final boolean retryable;

  OcrFailure(String code, String message, boolean retryable) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }

  static OcrFailure badInput(String code, String message) {
    return new OcrFailure(code, message, false);
  }

  String code() {
    return code;
  }

  boolean retryable() {
    return retryable;
  }
}
