package io.algotask.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Puts a few small text documents into the input bucket, as a business service would before
 * submitting: the input of the tests and the bench, whose sample algorithm service reads any bytes.
 */
public final class SampleDocuments {
  private static final String[] DOCUMENTS = {
    "invoice-0042.txt",
    "INVOICE 0042\nAcme Corp\nTotal due: 1,250.00 EUR\nDue date: 2026-12-31\n",
    "contract-7.txt",
    "SERVICE AGREEMENT\nBetween Acme Corp and Example Ltd\nTerm: 24 months\n",
    "letter-19.txt",
    "Dear customer,\nyour claim 19 was received and will be processed within 5 days.\n"
  };

  private SampleDocuments() {}

  /**
   * Uploads the documents under the key prefix, creating the bucket if it is missing, and returns
   * their s3:// uris (the invoice first).
   */
  public static List<String> upload(StorageSettings storage, String keyPrefix) {
    try (var store = new DocumentStore(storage)) {
      var uris = new ArrayList<String>();
      for (int i = 0; i < DOCUMENTS.length; i += 2) {
        uris.add(
            store.put(
                keyPrefix + DOCUMENTS[i],
                RequestBody.fromString(DOCUMENTS[i + 1], StandardCharsets.UTF_8),
                "text/plain"));
      }
      return uris;
    }
  }
}
