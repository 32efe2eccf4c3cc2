package io.algotask.api.http;

import io.algotask.api.access.AccessControl;
import io.algotask.api.tasks.TaskOperations;
import io.algotask.api.tasks.TaskView;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The tasks of the HTTP API for business services (contract section 5). */
@RestController
@RequestMapping(path = "/v1/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
public class TaskController {
  private final AccessControl access;
  private final TaskOperations tasks;

  TaskController(AccessControl access, TaskOperations tasks) {
    this.access = access;
    this.tasks = tasks;
  }

  /** 202 with the task it created, or 200 with the existing task of a known taskId. */
  @PostMapping
  ResponseEntity<TaskView> submit(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestBody(required = false) byte[] body) {
    var submission = tasks.submit(access.client(authorization), body);
    return ResponseEntity.status(submission.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
        .body(submission.task());
  }

  @GetMapping("/{taskId}")
  TaskView get(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @PathVariable String taskId) {
    return tasks.get(access.client(authorization), taskId);
  }

  /** 202: the task is ending CANCELLED; 409 when it is over already. */
  @DeleteMapping("/{taskId}")
  ResponseEntity<TaskView> cancel(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @PathVariable String taskId) {
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(tasks.cancel(access.client(authorization), taskId));
  }
}
