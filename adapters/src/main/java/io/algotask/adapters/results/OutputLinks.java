package io.algotask.adapters.results;

import io.algotask.adapters.contract.TaskResultMessage;
import io.algotask.adapters.storage.ObjectStorage;
import io.algotask.adapters.storage.S3Location;
import io.algotask.workflows.model.CallbackReport;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** A recorded output, as results and reads show it: with a fresh presigned URL to read it. */
@Component
public class OutputLinks {
  private final ObjectStorage storage;
  private final JsonMapper json;

  public OutputLinks(ObjectStorage storage, JsonMapper json) {
    this.storage = storage;
    this.json = json;
  }

  /** The output recorded as JSON on a task, or null when there is none. */
  public TaskResultMessage.Output linked(String recordedJson) {
    if (recordedJson == null) {
      return null;
    }
    var recorded = json.readValue(recordedJson, CallbackReport.Output.class);
    if (recorded == null) { // a JSON null
      return null;
    }
    var url =
        storage.presignGet(
            S3Location.parse(recorded.uri()), storage.properties().resultUrlValidity());
    return new TaskResultMessage.Output(
        recorded.uri(),
        url.url().toString(),
        url.expiresAt(),
        recorded.contentType(),
        recorded.sizeBytes());
  }
}
