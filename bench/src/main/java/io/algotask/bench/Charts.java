package io.algotask.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's plots, as PNG files (headless AWT). */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;
  private static final int MAX_POINTS = 1_500;

  /** Colours that stay apart on white (the usual ten of plotting libraries). */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f),
    new Color(0xbcbd22),
    new Color(0x17becf)
  };

  private Charts() {}

  /**
   * Cumulative distributions of latencies in milliseconds on a log axis: for each series, the share
   * of values at or below each latency.
   */
  static void cdf(Path png, String title, Map<String, List<Double>> millis) {
    safely(png, () -> drawCdf(png, title, millis));
  }

  static void lines(
      Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series) {
    safely(png, () -> drawLines(png, title, xLabel, yLabel, series, true));
  }

  /** Points, unjoined: each series a list of (x, y) readings whose order says nothing. */
  static void points(
      Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series) {
    safely(png, () -> drawLines(png, title, xLabel, yLabel, series, false));
  }

  static void bars(
      Path png, String title, String valueLabel, Map<String, Map<String, Double>> bySeries) {
    safely(png, () -> drawBars(png, title, valueLabel, bySeries));
  }

  private interface Drawing {
    void draw() throws IOException;
  }

  /** A plot that cannot be drawn (no fonts, say) costs the report its picture, nothing more. */
  private static void safely(Path png, Drawing drawing) {
    try {
      drawing.draw();
    } catch (Exception | LinkageError | InternalError e) {
      System.err.println("[bench] " + png.getFileName() + " not drawn: " + e);
    }
  }

  private static void drawCdf(Path png, String title, Map<String, List<Double>> millis)
      throws IOException {
    var dataset = new XYSeriesCollection();
    for (var entry : millis.entrySet()) {
      var sorted = entry.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      if (sorted.length == 0) {
        continue;
      }
      var series = new XYSeries(entry.getKey(), false, true);
      var step = Math.max(1, sorted.length / MAX_POINTS);
      for (int i = 0; i < sorted.length; i += step) {
        series.add(Math.max(0.1, sorted[i]), (i + 1) / (double) sorted.length);
      }
      series.add(Math.max(0.1, sorted[sorted.length - 1]), 1.0);
      dataset.addSeries(series);
    }
    var chart =
        ChartFactory.createXYLineChart(
            title,
            "latency (ms, log scale)",
            "share of tasks at or below",
            dataset,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    var plot = chart.getXYPlot();
    var axis = new LogAxis("latency (ms, log scale)");
    axis.setSmallestValue(0.1);
    // one tick per decade, labelled with its value (0.1, 1, 10, 100, ...), not its exponent
    axis.setTickUnit(new NumberTickUnit(1), false, false);
    axis.setAutoTickUnitSelection(false);
    axis.setNumberFormatOverride(
        new DecimalFormat("#,##0.#", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    plot.setDomainAxis(axis);
    ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
    save(png, chart, plot, true);
  }

  /** Lines over time (or points): each series a list of (x, y) points. */
  private static void drawLines(
      Path png,
      String title,
      String xLabel,
      String yLabel,
      Map<String, List<double[]>> series,
      boolean joined)
      throws IOException {
    var dataset = new XYSeriesCollection();
    for (var entry : series.entrySet()) {
      var xy = new XYSeries(entry.getKey(), false, true);
      var step = Math.max(1, entry.getValue().size() / MAX_POINTS);
      for (int i = 0; i < entry.getValue().size(); i += step) {
        var point = entry.getValue().get(i);
        xy.add(point[0], point[1]);
      }
      dataset.addSeries(xy);
    }
    var chart =
        ChartFactory.createXYLineChart(
            title, xLabel, yLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
    save(png, chart, chart.getXYPlot(), joined);
  }

  /** Grouped bars: for each category (a process), one bar per series (a scenario). */
  private static void drawBars(
      Path png, String title, String valueLabel, Map<String, Map<String, Double>> bySeries)
      throws IOException {
    var dataset = new DefaultCategoryDataset();
    for (var series : bySeries.entrySet()) {
      for (var category : series.getValue().entrySet()) {
        dataset.addValue(category.getValue(), series.getKey(), category.getKey());
      }
    }
    var chart = ChartFactory.createBarChart(title, null, valueLabel, dataset);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    var renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.02);
    for (int i = 0; i < dataset.getRowCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH + 200, HEIGHT);
  }

  private static void save(Path png, JFreeChart chart, XYPlot plot, boolean joined)
      throws IOException {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    var renderer = new XYLineAndShapeRenderer(joined, !joined);
    for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    plot.setRenderer(renderer);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
  }
}
