package io.algotask.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OcrSettingsTest {
  @Test
  void defaultsServeEnglishAndChineseOnOneSlotPerProcessor() {
    OcrSettings settings = OcrSettings.defaults();
    assertThat(settings.port()).isEqualTo(8091);
    assertThat(settings.capacity()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(settings.languages()).containsExactly("eng", "chi_sim");
    assertThat(settings.defaultLanguage()).isEqualTo("eng+chi_sim");
    assertThat(settings.maxImagePixels()).isEqualTo(40_000_000);
    assertThat(settings.pdfDpi()).isEqualTo(200);
    assertThat(settings.signingKeys().secrets()).isEmpty();
    assertThat(settings.signatureToleranceSeconds()).isEqualTo(300);
    assertThat(settings.pageTimeoutSeconds()).isEqualTo(120);
  }

  @Test
  void signingKeysComeFromTheEnvironmentSeveralForARotation() {
    OcrSettings settings =
        OcrSettings.parse(
            new String[] {"--signature-tolerance-seconds=60", "--page-timeout-seconds=30"},
            Map.of("OCR_SIGNING_KEYS", "k1:first-secret,k2:second-secret"));
    assertThat(settings.signingKeys().secrets())
        .containsOnly(Map.entry("k1", "first-secret"), Map.entry("k2", "second-secret"));
    assertThat(settings.toString())
        .as("settings as a log would print them")
        .contains("signingKeys=SigningKeys[k1, k2]")
        .doesNotContain("first-secret")
        .doesNotContain("second-secret");
    assertThat(settings.signatureToleranceSeconds()).isEqualTo(60);
    assertThat(settings.pageTimeoutSeconds()).isEqualTo(30);
  }

  @Test
  void theCommandLineWinsOverTheEnvironment() {
    OcrSettings settings =
        OcrSettings.parse(
            new String[] {"--capacity=3"},
            Map.of("OCR_CAPACITY", "5", "OCR_MAX_IMAGE_PIXELS", "1000", "OCR_LANGUAGES", "eng"));
    assertThat(settings.capacity()).isEqualTo(3);
    assertThat(settings.maxImagePixels()).isEqualTo(1000);
    assertThat(settings.languages()).containsExactly("eng");
  }

  @Test
  void aBadNumberSaysWhichSettingIsWrong() {
    assertThatThrownBy(() -> OcrSettings.parse(new String[] {"--capacity=0"}, Map.of()))
        .hasMessage("capacity must be at least 1, not 0");
    assertThatThrownBy(() -> OcrSettings.parse(new String[] {"--pdf-dpi=high"}, Map.of()))
        .hasMessage("pdf-dpi must be a whole number, not high");
  }
}
