package io.algotask.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Small helpers for the report's Markdown. */
final class Markdown {
  private Markdown() {}

  /**
   * A table: a header row, the alignment row, then the rows; cells are escaped for pipes. A column
   * whose cells all begin with a figure is aligned right, others left.
   */
  static String table(List<String> headers, List<List<String>> rows) {
    var out = new StringBuilder();
    out.append(row(headers));
    out.append("|");
    for (int i = 0; i < headers.size(); i++) {
      var column = i;
      var numeric =
          i > 0
              && !rows.isEmpty()
              && rows.stream().allMatch(r -> column < r.size() && startsWithFigure(r.get(column)));
      out.append(numeric ? "---:|" : "---|");
    }
    out.append("\n");
    rows.forEach(r -> out.append(row(r)));
    return out.toString();
  }

  static boolean startsWithFigure(String cell) {
    return !cell.isEmpty()
        && (Character.isDigit(cell.charAt(0)) || cell.equals("-") || cell.startsWith("-"));
  }

  private static String row(List<String> cells) {
    var out = new StringBuilder("|");
    for (var cell : cells) {
      out.append(' ').append(cell.replace("|", "\\|")).append(" |");
    }
    return out.append("\n").toString();
  }

  /** A table row: the label, then a cell for each column. */
  static <T> List<String> row(String label, List<T> columns, Function<T, String> cell) {
    var row = new ArrayList<String>();
    row.add(label);
    columns.forEach(column -> row.add(cell.apply(column)));
    return row;
  }

  static String num(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  static String image(String alt, String file) {
    return "![" + alt + "](" + file + ")\n";
  }
}
