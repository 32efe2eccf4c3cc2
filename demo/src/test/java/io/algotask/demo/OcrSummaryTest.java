package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class OcrSummaryTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void theFirstLineWithTextOfTheFirstPageWithTextAndThePageCount() {
    var output =
        JSON.readTree(
            """
            {"language": "eng", "pageCount": 2, "pages": [
              {"page": 1, "text": "", "words": []},
              {"page": 2, "text": "\\n  Page two begins here.  \\nSecond line", "words": []}]}
            """);

    assertThat(OcrSummary.of(output)).contains("\"Page two begins here.\" (2 pages)");
  }

  @Test
  void aPageWithoutTextSaysSo() {
    var output = JSON.readTree("{\"pageCount\": 1, \"pages\": [{\"page\": 1, \"text\": \" \"}]}");

    assertThat(OcrSummary.of(output)).contains("no text recognised (1 page)");
  }

  @Test
  void aLongLineIsCut() {
    var output =
        JSON.readTree("{\"pages\": [{\"page\": 1, \"text\": \"" + "x".repeat(300) + "\"}]}");

    assertThat(OcrSummary.of(output).orElseThrow()).hasSize(2 + 100 + " (1 page)".length());
  }

  @Test
  void anotherAlgorithmsOutputIsNotSummarised() {
    assertThat(OcrSummary.of(JSON.readTree("{\"label\": \"invoice\"}"))).isEmpty();
  }

  @Test
  void theContentTypeFollowsTheExtension() {
    assertThat(DocumentStore.contentType(Path.of("scan.PNG"))).isEqualTo("image/png");
    assertThat(DocumentStore.contentType(Path.of("a/report.pdf"))).isEqualTo("application/pdf");
    assertThat(DocumentStore.contentType(Path.of("photo.jpeg"))).isEqualTo("image/jpeg");
    assertThat(DocumentStore.contentType(Path.of("README"))).isEqualTo("application/octet-stream");
  }
}
