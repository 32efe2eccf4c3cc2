package io.algotask.api.http;

import io.algotask.api.access.Caller;
import io.algotask.api.tasks.TaskOperations;
import io.algotask.api.tasks.TaskView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The tasks of the HTTP API for business services (contract section 5). */
@RestController
@RequestMapping(path = "/v1/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "tasks", description = "Tasks of business services")
@SecurityRequirement(name = OpenApiConfiguration.CLIENT_KEY)
@ApiResponse(responseCode = "401", description = "The client key is missing or unknown.")
public class TaskController {
  private final TaskOperations tasks;

  TaskController(TaskOperations tasks) {
    this.tasks = tasks;
  }

  /** 202 with the task it created, or 200 with the existing task of a known taskId. */
  @PostMapping
  @Operation(
      operationId = "submitTask",
      summary = "Submit a task",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/" + TaskRequestSchema.NAME))))
  @ApiResponse(responseCode = "202", description = "Recorded and started.")
  @ApiResponse(
      responseCode = "200",
      description = "The taskId exists already: the existing task, nothing new started.")
  @ApiResponse(
      responseCode = "400",
      description = "A rule is broken: `code` says which kind, `field` which field.")
  @ApiResponse(responseCode = "403", description = "The key may not use the task's tenant.")
  @ApiResponse(
      responseCode = "409",
      description = "TASK_ID_TAKEN: the taskId belongs to a tenant the key may not use.")
  @ApiResponse(
      responseCode = "413",
      description = "CONTENT_TOO_LARGE: the body is over 256 KiB; none of it past that is read.")
  ResponseEntity<TaskView> submit(Caller caller, @RequestBody(required = false) byte[] body) {
    var submission = tasks.submit(caller, body);
    return ResponseEntity.status(submission.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
        .body(submission.task());
  }

  @GetMapping("/{taskId}")
  @Operation(operationId = "getTask", summary = "Read a task")
  @ApiResponse(responseCode = "200", description = "The task as recorded now.")
  @ApiResponse(
      responseCode = "404",
      description = "No such task, or one of a tenant the key may not use.")
  TaskView get(Caller caller, @PathVariable String taskId) {
    return tasks.get(caller, taskId);
  }

  /** 202: the task is ending CANCELLED; 409 when it is over already. */
  @DeleteMapping("/{taskId}")
  @Operation(
      operationId = "cancelTask",
      summary = "Cancel a task",
      description =
          "A waiting task leaves the queue, a running one frees its slot; the task ends CANCELLED"
              + " shortly after this answers.")
  @ApiResponse(responseCode = "202", description = "Cancelling: the task as it is now.")
  @ApiResponse(
      responseCode = "404",
      description = "No such task, or one of a tenant the key may not use.")
  @ApiResponse(
      responseCode = "409",
      description = "TASK_OVER: the task has ended; `taskStatus` says how.")
  ResponseEntity<TaskView> cancel(Caller caller, @PathVariable String taskId) {
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(tasks.cancel(caller, taskId));
  }
}
