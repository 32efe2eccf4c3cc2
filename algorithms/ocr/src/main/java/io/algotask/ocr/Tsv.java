package io.algotask.ocr;

import java.util.ArrayList;
import java.util.List;

/** Reads Tesseract's TSV output: the words (level 5) with their boxes and confidences. */
final class Tsv {
  private static final int WORD_LEVEL = 5;

  private Tsv() {}

  static List<OcrResult.Word> words(String tsv) {
    List<OcrResult.Word> words = new ArrayList<>();
    for (String line : tsv.split("\n")) {
      String[] columns = line.split("\t", -1);
      // level page block par line word left top width height conf text
      if (columns.length < 12 || !isInteger(columns[0])) {
        continue; // the header, or a blank line
      }
      String text = columns[11].strip();
      if (Integer.parseInt(columns[0]) != WORD_LEVEL || text.isEmpty()) {
        continue;
      }
      words.add(
          new OcrResult.Word(
              text,
              Double.parseDouble(columns[10]),
              Integer.parseInt(columns[6]),
              Integer.parseInt(columns[7]),
              Integer.parseInt(columns[8]),
              Integer.parseInt(columns[9])));
    }
    return words;
  }

  private static boolean isInteger(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
  }
}
