package io.algotask.demo;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What the demo prints of an OCR result ({@code algorithms/ocr}): its first recognised line and its
 * page count, e.g. {@code "INVOICE No. 2026-0142" (1 page)}.
 */
final class OcrSummary {
  private static final int MAX_LINE = 100;

  private OcrSummary() {}

  /** The summary of an OCR result; empty when the output is not one (another algorithm's). */
  static Optional<String> of(JsonNode output) {
    var pages = output.path("pages");
    if (!pages.isArray()) {
      return Optional.empty();
    }
    var count = output.path("pageCount").asInt(pages.size());
    var suffix = " (" + count + (count == 1 ? " page)" : " pages)");
    for (var page : pages) {
      for (var line : page.path("text").asString("").split("\n")) {
        if (!line.isBlank()) {
          return Optional.of(quoted(line.strip()) + suffix);
        }
      }
    }
    return Optional.of("no text recognised" + suffix);
  }

  private static String quoted(String line) {
    return "\"" + (line.length() > MAX_LINE ? line.substring(0, MAX_LINE - 1) + "…" : line) + "\"";
  }
}
