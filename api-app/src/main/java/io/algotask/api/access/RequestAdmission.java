package io.algotask.api.access;

import io.algotask.api.ApiProblem;
import io.algotask.api.http.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a request of the API reach its controller only with a valid credential and a body within its
 * endpoint's limit (contract section 7): a client key for {@code /v1/tasks...}, the operator token
 * for {@code /v1/algorithms...}, for {@code /v1/tasks/{id}/callback} and {@code /progress} a
 * callback token of that task, signed and unexpired. Refusals come before the body is read: a
 * caller without a credential, or one who declares too long a body, has none of it read; a body of
 * undeclared length (chunked) is read up to its limit and refused as soon as it passes it. Who the
 * credential stands for is resolved here once, and handed to the controllers as an argument by
 * {@link AdmittedCallers}; finer checks, such as the attempt a token was issued for, stay theirs.
 *
 * <p>Runs before every filter that could read a body (form parameters), and is the only one that
 * reads a body of undeclared length: into memory no larger than the limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
@EnableConfigurationProperties(BodyLimits.class)
public class RequestAdmission extends OncePerRequestFilter {

  private enum Credential {
    CLIENT_KEY,
    OPERATOR_TOKEN,
    CALLBACK_TOKEN
  }

  /** What a request must bring, and the most body it may have. */
  private record Admission(Credential credential, String taskId, long bodyLimit) {}

  /**
   * The request attribute that holds who the credential stands for; see {@link AdmittedCallers}.
   */
  static final String ADMITTED = RequestAdmission.class.getName() + ".admitted";

  private final AccessControl access;
  private final BodyLimits limits;
  private final ProblemResponses problems;

  RequestAdmission(AccessControl access, BodyLimits limits, ProblemResponses problems) {
    this.access = access;
    this.limits = limits;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    var admission = admissionOf(request);
    if (admission == null) {
      chain.doFilter(request, response);
      return;
    }
    try {
      request.setAttribute(
          ADMITTED, authenticate(admission, request.getHeader(HttpHeaders.AUTHORIZATION)));
    } catch (ApiProblem unauthenticated) {
      refuse(request, response, unauthenticated);
      return;
    }
    var declared = request.getContentLengthLong();
    if (declared > admission.bodyLimit()) {
      refuse(request, response, tooLarge(admission));
      return;
    }
    if (declared < 0) {
      // no length declared (chunked): read at most one byte past the limit, to know it is passed
      var body = request.getInputStream().readNBytes(Math.toIntExact(admission.bodyLimit() + 1));
      if (body.length > admission.bodyLimit()) {
        refuse(request, response, tooLarge(admission));
        return;
      }
      request = new ReadBody(request, body);
    }
    chain.doFilter(request, response);
  }

  /** What the request must bring, or null for a request outside the guarded API. */
  private Admission admissionOf(HttpServletRequest request) {
    // the path as the controllers' mappings see it: decoded segments, without path parameters
    var segments =
        RequestPath.parse(request.getRequestURI(), request.getContextPath())
            .pathWithinApplication()
            .elements()
            .stream()
            .filter(PathContainer.PathSegment.class::isInstance)
            .map(element -> ((PathContainer.PathSegment) element).valueToMatch())
            .toList();
    if (segments.size() < 2 || !segments.get(0).equals("v1")) {
      return null;
    }
    return switch (segments.get(1)) {
      case "tasks" ->
          segments.size() == 4
                  && (segments.get(3).equals("callback") || segments.get(3).equals("progress"))
              ? new Admission(
                  Credential.CALLBACK_TOKEN, segments.get(2), limits.callback().toBytes())
              : new Admission(Credential.CLIENT_KEY, null, limits.taskRequest().toBytes());
      case "algorithms" ->
          new Admission(Credential.OPERATOR_TOKEN, null, limits.algorithm().toBytes());
      default -> null;
    };
  }

  /** Who the credential stands for: a {@link Caller}, the {@link Operator} or callback claims. */
  private Object authenticate(Admission admission, String authorization) {
    return switch (admission.credential()) {
      case CLIENT_KEY -> access.client(authorization);
      case OPERATOR_TOKEN -> access.operator(authorization);
      case CALLBACK_TOKEN -> access.callback(authorization, admission.taskId());
    };
  }

  private static ApiProblem tooLarge(Admission admission) {
    return new ApiProblem(
        ApiProblem.Kind.CONTENT_TOO_LARGE,
        "CONTENT_TOO_LARGE",
        null,
        "the body is larger than "
            + admission.bodyLimit()
            + " bytes, the most this endpoint reads");
  }

  /**
   * Answers the refusal as the controllers' refusals are answered. The connection is closed after
   * it: what remains of the body is not read.
   */
  private void refuse(HttpServletRequest request, HttpServletResponse response, ApiProblem problem)
      throws IOException {
    if (request.getContentLengthLong() != 0) {
      response.setHeader(HttpHeaders.CONNECTION, "close");
    }
    problems.write(request, response, problem);
  }

  /** The request with its body, read already, served from memory. */
  private static final class ReadBody extends HttpServletRequestWrapper {
    private final byte[] body;

    ReadBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
      var bytes = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return bytes.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
          return bytes.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
          return bytes.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          // the whole body is in memory: a non-blocking reader may read it all at once
          try {
            if (bytes.available() > 0) {
              listener.onDataAvailable();
            }
            listener.onAllDataRead();
          } catch (IOException e) {
            listener.onError(e);
          }
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      var encoding = getCharacterEncoding();
      var charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }
  }
}
