package io.algotask.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Tesseract on the generated samples. */
class OcrEngineTest {
  @TempDir static Path samples;
  @TempDir Path work;

  private final OcrEngine engine = new OcrEngine(OcrSettings.defaults());

  @BeforeAll
  static void writeSamples() throws Exception {
    SampleDocuments.writeAll(samples);
  }

  @Test
  void recognisesEnglish() throws Exception {
    assertThat(accuracyOf("english.png", "eng", SampleDocuments.ENGLISH))
        .isGreaterThan(0.97); // measured: 1.000
    // the default language, both at once
    assertThat(accuracyOf("english.png", "eng+chi_sim", SampleDocuments.ENGLISH))
        .isGreaterThan(0.97); // measured: 1.000
    OcrResult.Word first = recognise("english.png", "eng").pages().get(0).words().get(0);
    assertThat(first.text()).isEqualTo("Algotask");
    assertThat(first.confidence()).isGreaterThan(80);
    assertThat(first.left()).isBetween(70, 90);
  }

  @Test
  void recognisesChinese() throws Exception {
    assertThat(accuracyOf("chinese.png", "chi_sim", SampleDocuments.CHINESE))
        .isGreaterThan(0.95); // measured: 1.000
    // the default language, both at once
    assertThat(accuracyOf("chinese.png", "eng+chi_sim", SampleDocuments.CHINESE))
        .isGreaterThan(0.95); // measured: 1.000
  }

  @Test
  void recognisesTheInvoiceAndTheScanWithBothLanguages() throws Exception {
    assertThat(accuracyOf("invoice.png", "eng+chi_sim", SampleDocuments.INVOICE))
        .isGreaterThan(0.97); // measured: 0.995
    assertThat(accuracyOf("scan.png", "eng+chi_sim", SampleDocuments.ENGLISH))
        .isGreaterThan(0.97); // measured: 0.994
  }

  @Test
  void recognisesThePdfPageByPageInOrder() throws Exception {
    List<Integer> progress = new ArrayList<>();
    OcrResult result =
        engine.recognise(
            samples.resolve("report.pdf"),
            "eng",
            work,
            new OcrJob(),
            (page, count) -> progress.add(page));
    assertThat(progress).containsExactly(1, 2, 3);
    assertThat(result.pageCount()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(result.pages().get(i).page()).isEqualTo(i + 1);
      double accuracy =
          CharacterAccuracy.of(
              String.join("\n", SampleDocuments.PDF_PAGES.get(i)), result.pages().get(i).text());
      System.out.printf("report.pdf page %d in eng: accuracy %.3f%n", i + 1, accuracy);
      assertThat(accuracy).isGreaterThan(0.95); // measured: 1.000 on each page
    }
  }

  @Test
  void aCorruptFileFailsWithItsReason() throws Exception {
    byte[] png = Files.readAllBytes(samples.resolve("english.png"));
    Path truncated = work.resolve("truncated.png");
    Files.write(truncated, java.util.Arrays.copyOf(png, 100));
    assertThatThrownBy(() -> recognise(truncated, "eng"))
        .isInstanceOfSatisfying(
            OcrFailure.class,
            f -> {
              assertThat(f.code()).isEqualTo(OcrFailure.CORRUPT_FILE);
              assertThat(f.retryable()).isFalse();
            })
        .hasMessage("page 1 could not be decoded as an image: libpng error: Read Error");
    Path pdf = work.resolve("broken.pdf");
    Files.writeString(pdf, "%PDF-1.4\nthis is not a PDF body");
    assertThatThrownBy(() -> recognise(pdf, "eng"))
        .isInstanceOfSatisfying(
            OcrFailure.class, f -> assertThat(f.code()).isEqualTo(OcrFailure.CORRUPT_FILE))
        .hasMessageStartingWith("the PDF is damaged: Syntax Error");
  }

  @Test
  void anUnsupportedTypeFailsWithItsReason() throws Exception {
    Path text = work.resolve("notes.txt");
    Files.writeString(text, "plain text, not an image", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> recognise(text, "eng"))
        .isInstanceOfSatisfying(
            OcrFailure.class, f -> assertThat(f.code()).isEqualTo(OcrFailure.UNSUPPORTED_TYPE))
        .hasMessageContaining("unsupported file type")
        .hasMessageContaining("PNG");
    assertThatThrownBy(() -> recognise(samples.resolve("english.png"), "deu"))
        .isInstanceOfSatisfying(
            OcrFailure.class, f -> assertThat(f.code()).isEqualTo(OcrFailure.UNSUPPORTED_LANGUAGE));
  }

  @Test
  void aBlankPageAndATooLargeImageFailWithTheirReasons() throws Exception {
    Path blank = work.resolve("blank.png");
    javax.imageio.ImageIO.write(
        SampleDocuments.page(List.of(), java.awt.Font.PLAIN), "png", blank.toFile());
    assertThatThrownBy(() -> recognise(blank, "eng"))
        .isInstanceOfSatisfying(
            OcrFailure.class, f -> assertThat(f.code()).isEqualTo(OcrFailure.EMPTY_PAGE))
        .hasMessageContaining("no recognisable text");
    OcrEngine small =
        new OcrEngine(
            OcrSettings.parse(new String[] {"--max-image-pixels=1000"}, java.util.Map.of()));
    assertThatThrownBy(
            () ->
                small.recognise(
                    samples.resolve("english.png"), "eng", work, new OcrJob(), (p, c) -> {}))
        .isInstanceOfSatisfying(
            OcrFailure.class, f -> assertThat(f.code()).isEqualTo(OcrFailure.IMAGE_TOO_LARGE))
        .hasMessageContaining("more than the limit of 1000");
  }

  private OcrResult recognise(String sample, String language) throws Exception {
    return recognise(samples.resolve(sample), language);
  }

  private OcrResult recognise(Path file, String language) throws Exception {
    return engine.recognise(file, language, work, new OcrJob(), (page, count) -> {});
  }

  /** The character accuracy of the sample's recognised text, also printed to the test's output. */
  private double accuracyOf(String sample, String language, List<String> expected)
      throws Exception {
    String text = recognise(sample, language).pages().get(0).text();
    double accuracy = CharacterAccuracy.of(String.join("\n", expected), text);
    System.out.printf("%s in %s: accuracy %.3f%n", sample, language, accuracy);
    return accuracy;
  }
}
