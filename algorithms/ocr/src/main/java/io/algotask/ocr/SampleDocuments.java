package io.algotask.ocr;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Renders the sample documents, with nothing downloaded: text drawn with Java2D in Noto Sans CJK
 * (Debian's {@code fonts-noto-cjk}), and a multi-page PDF that embeds its pages as JPEG images.
 * {@code java -cp algotask-ocr-algorithm.jar io.algotask.ocr.SampleDocuments DIR} writes them to
 * DIR.
 */
public final class SampleDocuments {
  public static final List<String> ENGLISH =
      List.of(
          "Algotask runs document work at scale.",
          "Each task is recognised by an algorithm service,",
          "which reads the scanned page and writes its text.",
          "The quick brown fox jumps over the lazy dog.");
  public static final List<String> CHINESE =
      List.of("光学字符识别将扫描的文档转换为文本。", "每个任务由算法服务处理并返回结果。", "今天天气很好，我们去公园散步。");
  public static final List<String> INVOICE =
      List.of(
          "INVOICE No. 2026-0142",
          "Date: 6 December 2026",
          "Bill to: Acme Trading Ltd, 12 Harbour Road",
          "Description            Qty     Amount",
          "Document scanning        120    480.00",
          "Text recognition         120    360.00",
          "Total due (EUR)                 840.00");
  public static final List<List<String>> PDF_PAGES =
      List.of(
          List.of("Page one of the sample report.", "It introduces the scanned document."),
          List.of("Page two continues the report.", "Its figures were checked twice."),
          List.of("Page three ends the report.", "Thank you for reading it."));

  private static final String FONT = "Noto Sans CJK SC";
  private static final int WIDTH = 1400;
  private static final int FONT_SIZE = 40;
  private static final int MARGIN = 80;

  private SampleDocuments() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "samples");
    for (Path written : writeAll(dir)) {
      System.out.println(written);
    }
  }

  /** Writes every sample into {@code dir}; returns their paths. */
  public static List<Path> writeAll(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    written.add(png(page(ENGLISH, Font.PLAIN), dir.resolve("english.png")));
    written.add(png(page(CHINESE, Font.PLAIN), dir.resolve("chinese.png")));
    written.add(png(page(INVOICE, Font.PLAIN), dir.resolve("invoice.png")));
    written.add(png(scan(page(ENGLISH, Font.PLAIN)), dir.resolve("scan.png")));
    List<BufferedImage> pages = new ArrayList<>();
    for (List<String> lines : PDF_PAGES) {
      pages.add(page(lines, Font.PLAIN));
    }
    Path pdf = dir.resolve("report.pdf");
    try (OutputStream out = Files.newOutputStream(pdf)) {
      writePdf(pages, out);
    }
    written.add(pdf);
    return written;
  }

  /** A white page with the lines drawn in black. */
  static BufferedImage page(List<String> lines, int style) {
    int lineHeight = FONT_SIZE * 2;
    BufferedImage image =
        new BufferedImage(
            WIDTH, MARGIN * 2 + lineHeight * lines.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    g.setFont(new Font(FONT, style, FONT_SIZE));
    for (int i = 0; i < lines.size(); i++) {
      g.drawString(lines.get(i), MARGIN, MARGIN + FONT_SIZE + i * lineHeight);
    }
    g.dispose();
    return image;
  }

  /** The page as a poor scan: turned by two degrees, greyed, with specks (seeded: reproducible). */
  static BufferedImage scan(BufferedImage page) {
    BufferedImage scan =
        new BufferedImage(page.getWidth(), page.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scan.createGraphics();
    g.setColor(new Color(235, 235, 228));
    g.fillRect(0, 0, scan.getWidth(), scan.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.rotate(Math.toRadians(2), scan.getWidth() / 2.0, scan.getHeight() / 2.0);
    g.drawImage(page, 0, 0, null);
    g.dispose();
    Random random = new Random(42);
    for (int i = 0; i < scan.getWidth() * scan.getHeight() / 200; i++) {
      int shade = random.nextBoolean() ? 40 : 200;
      scan.setRGB(
          random.nextInt(scan.getWidth()),
          random.nextInt(scan.getHeight()),
          new Color(shade, shade, shade).getRGB());
    }
    return scan;
  }

  private static Path png(BufferedImage image, Path file) throws IOException {
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  /**
   * A minimal PDF (1.4) with one page per image, each image embedded as a JPEG (DCTDecode) and
   * drawn over the whole page at 150 dpi.
   */
  static void writePdf(List<BufferedImage> images, OutputStream target) throws IOException {
    ByteArrayOutputStream pdf = new ByteArrayOutputStream();
    List<Integer> offsets = new ArrayList<>();
    int pageCount = images.size();
    // objects: 1 catalog, 2 pages, then per page i: page, content, image
    ascii(pdf, "%PDF-1.4\n");
    offsets.add(pdf.size());
    ascii(pdf, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    StringBuilder kids = new StringBuilder();
    for (int i = 0; i < pageCount; i++) {
      kids.append(3 + i * 3).append(" 0 R ");
    }
    offsets.add(pdf.size());
    ascii(
        pdf, "2 0 obj\n<< /Type /Pages /Kids [" + kids + "] /Count " + pageCount + " >>\nendobj\n");
    for (int i = 0; i < pageCount; i++) {
      BufferedImage image = images.get(i);
      int pageObject = 3 + i * 3;
      double width = image.getWidth() * 72.0 / 150;
      double height = image.getHeight() * 72.0 / 150;
      String box = String.format("%.2f %.2f", width, height);
      offsets.add(pdf.size());
      ascii(
          pdf,
          pageObject
              + " 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "
              + box
              + "]"
              + " /Resources << /XObject << /Im0 "
              + (pageObject + 2)
              + " 0 R >> >>"
              + " /Contents "
              + (pageObject + 1)
              + " 0 R >>\nendobj\n");
      String content = "q " + String.format("%.2f 0 0 %.2f 0 0", width, height) + " cm /Im0 Do Q";
      offsets.add(pdf.size());
      ascii(
          pdf,
          (pageObject + 1)
              + " 0 obj\n<< /Length "
              + content.length()
              + " >>\nstream\n"
              + content
              + "\nendstream\nendobj\n");
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      ImageIO.write(image, "jpg", jpeg);
      offsets.add(pdf.size());
      ascii(
          pdf,
          (pageObject + 2)
              + " 0 obj\n<< /Type /XObject /Subtype /Image /Width "
              + image.getWidth()
              + " /Height "
              + image.getHeight()
              + " /ColorSpace /DeviceRGB /BitsPerComponent 8"
              + " /Filter /DCTDecode /Length "
              + jpeg.size()
              + " >>\nstream\n");
      jpeg.writeTo(pdf);
      ascii(pdf, "\nendstream\nendobj\n");
    }
    int xref = pdf.size();
    ascii(pdf, "xref\n0 " + (offsets.size() + 1) + "\n0000000000 65535 f \n");
    for (int offset : offsets) {
      ascii(pdf, String.format("%010d 00000 n \n", offset));
    }
    ascii(
        pdf,
        "trailer\n<< /Size "
            + (offsets.size() + 1)
            + " /Root 1 0 R >>\nstartxref\n"
            + xref
            + "\n%%EOF\n");
    pdf.writeTo(target);
  }

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }
}
