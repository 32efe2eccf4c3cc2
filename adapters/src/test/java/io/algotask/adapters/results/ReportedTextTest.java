package io.algotask.adapters.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReportedTextTest {

  @Test
  void aMessageIsCutTo4KiBOfUtf8WithAnEllipsis() {
    var cut = ReportedText.message("é".repeat(1024 * 1024)); // 2 MiB of UTF-8

    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    assertThat(cut).endsWith("…").startsWith("éé");
    assertThat(cut.length()).isGreaterThan(2000);
  }

  @Test
  void anEchoedTokenOrSignedUrlIsRedactedBeforeTheCut() {
    var echoed =
        "could not read http://s3.local/in/doc.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIA%2F20261206&X-Amz-Signature=0123abcd for token"
            + " v1.k1.ZG9jLTQyCjEKb2Ny.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg "
            + "x".repeat(5_000);

    var stored = ReportedText.message(echoed);

    assertThat(stored)
        .startsWith("could not read http://s3.local/in/doc.pdf?[redacted] for token [redacted] ")
        .doesNotContain("X-Amz-Signature")
        .doesNotContain("c2lnbmF0dXJl")
        .endsWith("…");
    assertThat(ReportedText.name("v1.k1.ZG9jLTQyCjEKb2Ny.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"))
        .isEqualTo("[redacted]");
  }

  @Test
  void aShortMessageStaysAsItIs() {
    var text = "x".repeat(4096);
    assertThat(ReportedText.message(text)).isSameAs(text);
    assertThat(ReportedText.message(null)).isNull();
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    var cut = ReportedText.message("😀".repeat(2000));
    assertThat(cut).endsWith("😀…");
    assertThat(ReportedText.name("😀".repeat(300))).hasSize(255 * 2 + 1);
  }

  @Test
  void aCodeOrContentTypeIsCutTo256Characters() {
    var cut = ReportedText.name("c".repeat(10_000));
    assertThat(cut).hasSize(256).endsWith("c…");
    assertThat(ReportedText.name("text/plain")).isEqualTo("text/plain");
  }

  @Test
  void textTheStoreCannotHoldIsReplaced() {
    assertThat(ReportedText.message("a\u0000b\ud800c")).isEqualTo("a\uFFFDb\uFFFDc");
    assertThat(ReportedText.name("ok\udc00")).isEqualTo("ok\uFFFD");
  }
}
