package io.algotask.ocr;

import java.util.concurrent.CountDownLatch;

/** Runs the OCR service: {@code java -jar algotask-ocr-algorithm.jar [--port=8091] ...}. */
public final class OcrMain {
  private OcrMain() {}

  public static void main(String[] args) throws Exception {
    OcrSettings settings;
    try {
      settings = OcrSettings.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("bad setting: " + e.getMessage());
      System.exit(2);
      return;
    }
    OcrServer server = new OcrServer(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.printf(
        "OCR service on http://%s:%d%s (cancel: %s), capacity %d, languages %s%n",
        settings.bindAddress(),
        server.port(),
        OcrServer.PATH,
        OcrServer.CANCEL_PATH,
        settings.capacity(),
        settings.languages());
    new CountDownLatch(1).await();
  }
}
