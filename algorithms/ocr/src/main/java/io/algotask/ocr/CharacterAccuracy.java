package io.algotask.ocr;

/**
 * How well a recognised text matches the expected one: 1 − (edit distance / length of the expected
 * text), on both texts with their whitespace runs made one space. The measure of the accuracy the
 * README states for the samples.
 */
public final class CharacterAccuracy {
  private CharacterAccuracy() {}

  public static double of(String expected, String actual) {
    String e = expected.replaceAll("\\s+", " ").strip();
    String a = actual.replaceAll("\\s+", " ").strip();
    int[] previous = new int[a.length() + 1];
    int[] current = new int[a.length() + 1];
    for (int j = 0; j <= a.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= e.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= a.length(); j++) {
        int substitution = previous[j - 1] + (e.charAt(i - 1) == a.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return 1 - (double) previous[a.length()] / e.length();
  }
}
