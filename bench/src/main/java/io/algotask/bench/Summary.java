package io.algotask.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's figures in summary.json beside its report.md, so that a later run can be compared with it
 * ({@code --compare DIR}).
 */
record Summary(String run, String started, String commit, String command, List<Figure> figures) {
  static final String FILE = "summary.json";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  static Summary of(Report.Header header, List<ScenarioReport> scenarios) {
    var figures = new ArrayList<Figure>();
    scenarios.forEach(s -> figures.addAll(s.figures()));
    return new Summary(
        header.run(), header.started().toString(), header.commit(), header.command(), figures);
  }

  Path write(Path dir) throws IOException {
    var file = dir.resolve(FILE);
    Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    return file;
  }

  /**
   * The summary of an earlier report, from its directory (or the summary.json itself).
   *
   * @throws IOException when there is none, or it cannot be read
   */
  static Summary read(Path reportDirOrFile) throws IOException {
    var file = Files.isDirectory(reportDirOrFile) ? reportDirOrFile.resolve(FILE) : reportDirOrFile;
    if (!Files.isRegularFile(file)) {
      throw new IOException("no " + FILE + " in " + reportDirOrFile);
    }
    try {
      return JSON.readValue(Files.readString(file), Summary.class);
    } catch (JacksonException e) {
      throw new IOException(file + " is not a bench summary: " + e.getOriginalMessage(), e);
    }
  }

  /** The earlier run in words, for the report. */
  String describe() {
    return "run `" + run + "` (commit " + commit + ", started " + started + ")";
  }

  /**
   * The summary table against an earlier run: each figure of this run with its value before, after
   * and the change, then its target and verdict; figures only the earlier run had come last.
   */
  static String compare(Summary before, List<Figure> after) {
    var earlier = new LinkedHashMap<String, Figure>();
    before.figures().forEach(f -> earlier.put(f.key(), f));
    var rows = new ArrayList<List<String>>();
    for (var figure : after) {
      var old = earlier.remove(figure.key());
      rows.add(
          List.of(
              figure.scenario(),
              figure.name(),
              old == null ? "-" : old.shown(),
              figure.shown(),
              change(old, figure),
              figure.target(),
              figure.verdict()));
    }
    for (var old : earlier.values()) {
      rows.add(
          List.of(old.scenario(), old.name(), old.shown(), "not measured", "", old.target(), ""));
    }
    return Markdown.table(
        List.of("scenario", "figure", "before", "after", "change", "target", ""), rows);
  }

  /** After minus before, in the figure's unit and in percent of before; "-" when not numbers. */
  static String change(Figure before, Figure after) {
    if (before == null || before.value() == null || after.value() == null) {
      return "-";
    }
    var delta = after.value() - before.value();
    var sign = delta > 0 ? "+" : "";
    var unit = after.unit().isEmpty() ? "" : " " + after.unit();
    var percent =
        before.value() == 0
            ? ""
            : String.format(Locale.ROOT, " (%s%.0f%%)", sign, delta * 100 / before.value());
    return sign + Figure.number(delta, after.unit()) + unit + percent;
  }
}
