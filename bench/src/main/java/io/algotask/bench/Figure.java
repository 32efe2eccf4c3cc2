package io.algotask.bench;

import java.util.Locale;

/**
 * A headline figure of a scenario, with the target it is held against (if any): a line of the
 * report's summary and of summary.json.
 *
 * @param value the measured number; null when it is words ({@code text}) or was not measured
 * @param unit what the value counts, e.g. {@code ms}; empty for a plain number
 * @param text the figure in words when it is not a number; null otherwise
 * @param target the target in words, e.g. {@code < 30 ms}; empty when there is none
 * @param met whether the target was met; null without a target, or when not measured
 */
record Figure(
    String scenario,
    String name,
    Double value,
    String unit,
    String text,
    String target,
    Boolean met) {

  static final String MS = "ms";
  static final String SECONDS = "s";
  static final String PER_SECOND = "tasks/s";
  static final String PER_SECOND_PER_CORE = "tasks/s per core";
  static final String PAGES_PER_SECOND = "pages/s";
  static final String PAGES_PER_SECOND_PER_CORE = "pages/s per core";
  static final String CPU_SECONDS_PER_PAGE = "CPU s per page";
  static final String CPU_MS = "CPU ms per task";
  static final String PER_TASK = "per task";
  static final String SHARE_OF_CEILING = "of the ceiling";
  static final String TIMES_THE_CEILING = "× the ceiling's";
  static final String MIB_PER_1000_WAITING = "MiB per 1,000 waiting";
  static final String PERCENT = "%";
  static final String PERCENTAGE_POINTS = "points";
  static final String PER_SECOND_429 = "429s/s";
  static final String OF_THE_CAPACITY = "of the capacity's";

  /** A number without a target. */
  static Figure of(String scenario, String name, Double value, String unit) {
    return new Figure(scenario, name, value, unit, null, "", null);
  }

  /** A number held against its target; not judged when it was not measured (null). */
  static Figure against(
      String scenario, String name, Double value, String unit, Targets.Target target) {
    var measured = value != null && !value.isNaN();
    return new Figure(
        scenario,
        name,
        measured ? value : null,
        unit,
        null,
        target.text(),
        measured ? target.met(value) : null);
  }

  /** A figure in words, without a target. */
  static Figure text(String scenario, String name, String text) {
    return new Figure(scenario, name, null, "", text, "", null);
  }

  /** A figure in words, held against a target in words. */
  static Figure text(String scenario, String name, String text, String target, boolean met) {
    return new Figure(scenario, name, null, "", text, target, met);
  }

  /** The summary's key of the figure: the same figure of two runs has the same key. */
  String key() {
    return scenario + "\n" + name;
  }

  /** The value as the summary shows it: the number with its unit, or the words. */
  String shown() {
    if (value != null) {
      return number(value, unit) + (unit.isEmpty() ? "" : " " + unit);
    }
    return text == null ? "-" : text;
  }

  String verdict() {
    if (met != null) {
      return met ? "met" : "missed";
    }
    return target.isEmpty() ? "" : "not measured";
  }

  /**
   * A number with a precision that suits its size (milliseconds as the latency tables have them).
   */
  static String number(double value, String unit) {
    if (unit.equals(MS)) {
      return LatencySummary.ms(value);
    }
    var size = Math.abs(value);
    var decimals = size >= 100 ? 0 : size >= 10 ? 1 : 2;
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
