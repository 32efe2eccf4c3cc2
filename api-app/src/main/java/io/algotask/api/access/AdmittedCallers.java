package io.algotask.api.access;

import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.api.ApiProblem;
import java.util.List;
import java.util.Set;
import org.springframework.core.MethodParameter;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Hands a controller who its request comes from, as {@link RequestAdmission} resolved it from the
 * credential: a {@link Caller} (client key), the {@link Operator} (operator token) or the {@link
 * CallbackClaims} of a callback token. Controllers never read the Authorization header themselves.
 */
@Component
public class AdmittedCallers implements HandlerMethodArgumentResolver, WebMvcConfigurer {
  /** The argument types this resolves; also kept out of the OpenAPI description's parameters. */
  public static final Set<Class<?>> TYPES =
      Set.of(Caller.class, Operator.class, CallbackClaims.class);

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(this);
  }

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return TYPES.contains(parameter.getParameterType());
  }

  @Override
  public Object resolveArgument(
      MethodParameter parameter,
      ModelAndViewContainer container,
      NativeWebRequest request,
      WebDataBinderFactory binders) {
    var admitted = request.getAttribute(RequestAdmission.ADMITTED, RequestAttributes.SCOPE_REQUEST);
    if (!parameter.getParameterType().isInstance(admitted)) {
      // an endpoint whose path the admission does not guard with this kind of credential
      throw new ApiProblem(
          ApiProblem.Kind.UNAUTHENTICATED,
          "UNAUTHENTICATED",
          null,
          "this endpoint needs a credential the request was not admitted with");
    }
    return admitted;
  }
}
