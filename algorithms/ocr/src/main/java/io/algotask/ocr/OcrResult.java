package io.algotask.ocr;

import java.util.List;

/** The recognised document, written as the task's JSON output. */
record OcrResult(String language, int pageCount, List<Page> pages) {

  /** One page: its size in pixels, its text (lines separated by newlines) and its words. */
  record Page(
      int page, int width, int height, String text, double meanConfidence, List<Word> words) {}

  /** One word, with its bounding box in the page's pixels and Tesseract's confidence (0-100). */
  record Word(String text, double confidence, int left, int top, int width, int height) {}
}
