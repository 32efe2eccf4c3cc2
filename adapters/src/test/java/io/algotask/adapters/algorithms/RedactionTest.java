package io.algotask.adapters.algorithms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {
  private static final String TOKEN =
      "v1.dev-1.ZG9jLTQyCjEKb2NyCjE3OTY2MjEwNjk.8OWICQsffQ16rJcjpAv0MS_N9URmJ3aCh3qTFKYsWsY";
  private static final String URL =
      "http://s3.local/docs/a.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261206T052359Z"
          + "&X-Amz-SignedHeaders=host&X-Amz-Credential=key%2F20261206%2Fus-east-1%2Fs3%2Faws4_request"
          + "&X-Amz-Expires=929&X-Amz-Signature=7741658900d2d7539a6366dbf512dc575a55ba1f6bcff764";

  @Test
  void theTokenAndTheUrlsOfTheInvocationGo() {
    var echoed = "{\"token\":\"" + TOKEN + "\",\"url\":\"" + URL + "\",\"taskId\":\"doc-42\"}";

    var redacted = Redaction.of(List.of(TOKEN, URL)).apply(echoed);

    assertThat(redacted)
        .isEqualTo("{\"token\":\"[redacted]\",\"url\":\"[redacted]\",\"taskId\":\"doc-42\"}");
  }

  @Test
  void signedQueriesAndTokensGoEvenWhenNotKnownOrNotWhole() {
    var otherUrl = URL.replace("docs/a.pdf", "results/b").replace("7741", "1234");
    var escaped = URL.replace("&", "\\u0026");
    var encoded = "X-Amz-Signature%3D7741658900d2d7539a6366dbf512dc575a55ba1f6bcff764";

    var redacted =
        Redaction.of(List.of(URL))
            .apply(otherUrl + " " + escaped + " " + encoded + " token " + TOKEN + " end");

    assertThat(redacted)
        .isEqualTo(
            "http://s3.local/results/b?[redacted] http://s3.local/docs/a.pdf?[redacted] [redacted]"
                + " token [redacted] end");
    assertThat(Redaction.ofShapes().apply(otherUrl))
        .isEqualTo("http://s3.local/results/b?[redacted]");
  }

  @Test
  void otherTextStays() {
    var text = "{\"error\":\"page 3 unreadable\",\"version\":\"v1.2.3\"}";

    assertThat(Redaction.ofShapes().apply(text)).isEqualTo(text);
  }
}
