package io.algotask.bench;

import java.util.List;

/**
 * What one scenario found: its section of the report, its headline figures, how many tasks (the
 * ceiling: workflows) it completed, and the CPU and memory of each process while it ran. A report
 * without a title is a part of a scenario measured on its own: a column of the CPU and memory
 * tables, without a section.
 */
record ScenarioReport(
    String name,
    String title,
    String body,
    List<Figure> figures,
    long completed,
    ResourceSampler.Measured usage) {

  ScenarioReport withBody(String newBody) {
    return new ScenarioReport(name, title, newBody, figures, completed, usage);
  }

  ScenarioReport withUsage(ResourceSampler.Measured measured) {
    return new ScenarioReport(name, title, body, figures, completed, measured);
  }

  /** The same report with more figures after its own. */
  ScenarioReport withMoreFigures(List<Figure> more) {
    var all = new java.util.ArrayList<>(figures);
    all.addAll(more);
    return new ScenarioReport(name, title, body, List.copyOf(all), completed, usage);
  }
}
