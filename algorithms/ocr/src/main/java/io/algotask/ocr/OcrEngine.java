package io.algotask.ocr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Recognises the text of an image or a PDF with the Tesseract CLI; a PDF is rendered page by page
 * with {@code pdftoppm}. Each external program runs under the job's {@link OcrJob}, so that a
 * cancel destroys it.
 */
final class OcrEngine {
  /** Told of each page as soon as it is recognised, in page order. */
  interface PageListener {
    void pageDone(int page, int pageCount);
  }

  private static final Pattern PAGES = Pattern.compile("(?m)^Pages:\\s+(\\d+)");
  private static final Pattern PAGE_SIZE =
      Pattern.compile("(?m)^Page size:\\s+([\\d.]+) x ([\\d.]+) pts");
  // Tesseract separates Chinese characters with spaces; Chinese text has none between them
  private static final Pattern SPACE_BETWEEN_HAN =
      Pattern.compile(
          "(?<=[\\p{IsHan}\\p{InCJKSymbolsAndPunctuation}\\p{InHalfwidthAndFullwidthForms}])"
              + "[ \\t]+(?=[\\p{IsHan}\\p{InCJKSymbolsAndPunctuation}\\p{InHalfwidthAndFullwidthForms}])");
  private static final double POINTS_PER_INCH = 72;

  private final OcrSettings settings;

  OcrEngine(OcrSettings settings) {
    this.settings = settings;
  }

  /**
   * Recognises {@code file} in {@code language} (Tesseract's form: {@code eng}, {@code chi_sim},
   * {@code eng+chi_sim}), working in {@code workDir}.
   */
  OcrResult recognise(Path file, String language, Path workDir, OcrJob job, PageListener listener)
      throws OcrFailure, IOException, InterruptedException {
    checkLanguage(language);
    DocumentType type = DocumentType.of(file);
    List<OcrResult.Page> pages = new ArrayList<>();
    if (type == DocumentType.PDF) {
      int pageCount = pdfPageCount(file, workDir, job);
      for (int page = 1; page <= pageCount; page++) {
        Path image = renderPdfPage(file, page, workDir, job);
        pages.add(recognisePage(image, page, language, workDir, job));
        listener.pageDone(page, pageCount);
      }
    } else {
      pages.add(recognisePage(file, 1, language, workDir, job));
      listener.pageDone(1, 1);
    }
    if (pages.stream().allMatch(p -> p.words().isEmpty())) {
      throw OcrFailure.badInput(
          OcrFailure.EMPTY_PAGE,
          pages.size() == 1
              ? "the page has no recognisable text (blank or not a text image)"
              : "none of the " + pages.size() + " pages has recognisable text (blank pages)");
    }
    return new OcrResult(language, pages.size(), pages);
  }

  void checkLanguage(String language) throws OcrFailure {
    Set<String> known = settings.languages();
    for (String part : language.split("\\+", -1)) {
      if (!known.contains(part)) {
        throw OcrFailure.badInput(
            OcrFailure.UNSUPPORTED_LANGUAGE,
            "language '"
                + language
                + "' is not supported; this service knows "
                + known
                + " (combine them with '+')");
      }
    }
  }

  private OcrResult.Page recognisePage(
      Path image, int page, String language, Path workDir, OcrJob job)
      throws OcrFailure, IOException, InterruptedException {
    int[] size = imageSize(image, page);
    Path base = workDir.resolve("page-" + page);
    Run run =
        run(
            job,
            workDir,
            "page " + page,
            settings.tesseract(),
            image.toString(),
            base.toString(),
            "-l",
            language,
            "txt",
            "tsv");
    if (run.exitCode() != 0) {
      throw OcrFailure.badInput(
          OcrFailure.CORRUPT_FILE,
          "page " + page + " could not be decoded as an image: " + firstLine(run.stderr()));
    }
    String text = Files.readString(Path.of(base + ".txt"), StandardCharsets.UTF_8);
    List<OcrResult.Word> words =
        Tsv.words(Files.readString(Path.of(base + ".tsv"), StandardCharsets.UTF_8));
    double mean = words.stream().mapToDouble(OcrResult.Word::confidence).average().orElse(0);
    return new OcrResult.Page(
        page, size[0], size[1], cleanText(text), Math.round(mean * 10) / 10.0, words);
  }

  /** The image's width and height, read from its header alone, within the pixel limit. */
  private int[] imageSize(Path image, int page) throws OcrFailure, IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw OcrFailure.badInput(
            OcrFailure.CORRUPT_FILE, "page " + page + " is not a readable image");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        checkPixels((long) width * height, page);
        return new int[] {width, height};
      } catch (IOException | RuntimeException e) {
        throw OcrFailure.badInput(
            OcrFailure.CORRUPT_FILE,
            "page "
                + page
                + " is a damaged image: "
                + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      } finally {
        reader.dispose();
      }
    }
  }

  private void checkPixels(long pixels, int page) throws OcrFailure {
    if (pixels > settings.maxImagePixels()) {
      throw OcrFailure.badInput(
          OcrFailure.IMAGE_TOO_LARGE,
          "page "
              + page
              + " has "
              + pixels
              + " pixels, more than the limit of "
              + settings.maxImagePixels());
    }
  }

  private int pdfPageCount(Path pdf, Path workDir, OcrJob job)
      throws OcrFailure, IOException, InterruptedException {
    Run info = run(job, workDir, "reading the PDF's pages", settings.pdfinfo(), pdf.toString());
    Matcher pages = PAGES.matcher(info.stdout());
    if (info.exitCode() != 0 || !pages.find()) {
      throw OcrFailure.badInput(
          OcrFailure.CORRUPT_FILE, "the PDF is damaged: " + firstLine(info.stderr()));
    }
    int count = Integer.parseInt(pages.group(1));
    if (count == 0) {
      throw OcrFailure.badInput(OcrFailure.EMPTY_PAGE, "the PDF has no pages");
    }
    Matcher size = PAGE_SIZE.matcher(info.stdout());
    if (size.find()) { // the first page's size: refuse a huge render before it is made
      double scale = settings.pdfDpi() / POINTS_PER_INCH;
      checkPixels(
          Math.round(Double.parseDouble(size.group(1)) * scale)
              * Math.round(Double.parseDouble(size.group(2)) * scale),
          1);
    }
    return count;
  }

  private Path renderPdfPage(Path pdf, int page, Path workDir, OcrJob job)
      throws OcrFailure, IOException, InterruptedException {
    Path base = workDir.resolve("pdf-page-" + page);
    String number = Integer.toString(page);
    Run render =
        run(
            job,
            workDir,
            "rendering page " + page + " of the PDF",
            settings.pdftoppm(),
            "-r",
            Integer.toString(settings.pdfDpi()),
            "-png",
            "-f",
            number,
            "-l",
            number,
            "-singlefile",
            pdf.toString(),
            base.toString());
    Path image = Path.of(base + ".png");
    if (render.exitCode() != 0 || !Files.exists(image)) {
      throw OcrFailure.badInput(
          OcrFailure.CORRUPT_FILE,
          "page " + page + " of the PDF could not be rendered: " + firstLine(render.stderr()));
    }
    return image;
  }

  static String cleanText(String text) {
    String joined = SPACE_BETWEEN_HAN.matcher(text.replace("\f", "")).replaceAll("");
    return joined.strip();
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  /**
   * Runs a program for {@code step} ("page 2", ...), within {@code page-timeout-seconds}: past it,
   * the program is destroyed and the job fails.
   */
  private Run run(OcrJob job, Path workDir, String step, String... command)
      throws IOException, InterruptedException, OcrFailure {
    // its output to files, so that however much the program says it never blocks on a full pipe,
    // and the wait for it can end at the time limit
    Path output = Files.createTempFile(workDir, "stdout-", ".txt");
    Path errors = Files.createTempFile(workDir, "stderr-", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile());
    // one thread per job: the service's capacity is the number of jobs, one core each
    builder.environment().put("OMP_THREAD_LIMIT", "1");
    Process process = job.start(builder);
    try {
      boolean ended = process.waitFor(settings.pageTimeoutSeconds(), TimeUnit.SECONDS);
      if (!ended) {
        OcrJob.destroy(process);
        process.waitFor();
      }
      job.checkNotCancelled();
      if (!ended) {
        // not retryable: the same page would take as long again
        throw OcrFailure.badInput(
            OcrFailure.PAGE_TIME_LIMIT,
            step + " took longer than " + settings.pageTimeoutSeconds() + " s");
      }
      return new Run(
          process.exitValue(),
          new String(Files.readAllBytes(output), StandardCharsets.UTF_8),
          new String(Files.readAllBytes(errors), StandardCharsets.UTF_8));
    } finally {
      job.finished(process);
      Files.deleteIfExists(output);
      Files.deleteIfExists(errors);
    }
  }

  /** The programs say the cause first ("libpng error: Read Error") and its consequences after. */
  private static String firstLine(String output) {
    String first = output.strip().split("\n")[0].strip();
    return first.isEmpty() ? "no detail given" : first;
  }

  /** What a file is, from its first bytes (its name and content type are not trusted). */
  enum DocumentType {
    PDF,
    IMAGE;

    static DocumentType of(Path file) throws IOException, OcrFailure {
      byte[] head;
      try (InputStream in = Files.newInputStream(file)) {
        head = in.readNBytes(8);
      }
      if (head.length == 0) {
        throw OcrFailure.badInput(OcrFailure.CORRUPT_FILE, "the file is empty");
      }
      if (startsWith(head, "%PDF-")) {
        return PDF;
      }
      if (startsWith(head, "\u0089PNG")
          || (head.length >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8)
          || startsWith(head, "II*\0")
          || startsWith(head, "MM\0*")
          || startsWith(head, "GIF8")
          || startsWith(head, "BM")) {
        return IMAGE;
      }
      throw OcrFailure.badInput(
          OcrFailure.UNSUPPORTED_TYPE,
          "unsupported file type (first bytes "
              + HexFormat.ofDelimiter(" ").formatHex(head)
              + "); send a PNG, JPEG, TIFF, GIF or BMP image, or a PDF");
    }

    private static boolean startsWith(byte[] head, String magic) {
      byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
      if (head.length < m.length) {
        return false;
      }
      for (int i = 0; i < m.length; i++) {
        if (head[i] != m[i]) {
          return false;
        }
      }
      return true;
    }
  }
}
