package io.algotask.api.callback;

import java.util.List;
import java.util.Set;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the reports of algorithm services are read: as sent, so that {@code "1"} or {@code 1.5} is no
 * attempt number and {@code "12"} no size, and whatever content type they declare, as before there
 * were types for them. Other bodies keep the application's usual reading.
 */
@Configuration(proxyBeanMethods = false)
class ReportReading {
  private static final Set<Class<?>> REPORTS = Set.of(CallbackBody.class, ProgressBody.class);

  @Bean
  ServerHttpMessageConvertersCustomizer strictReportReading(JsonMapper json) {
    var strict =
        json.rebuild()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();
    var reports =
        new JacksonJsonHttpMessageConverter(strict) {
          @Override
          public boolean canRead(ResolvableType type, MediaType mediaType) {
            return REPORTS.contains(type.toClass()) && super.canRead(type, mediaType);
          }

          @Override
          public boolean canWrite(ResolvableType type, Class<?> valueClass, MediaType mediaType) {
            return false;
          }
        };
    reports.setSupportedMediaTypes(List.of(MediaType.ALL));
    return converters -> converters.addCustomConverter(reports);
  }
}
