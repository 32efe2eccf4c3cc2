package io.algotask.adapters.temporal;

import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Sets up the app's Temporal namespace (when {@code algotask.temporal.namespace-setup.enabled})
 * before anything uses it: the workflow client and the worker factory of the Temporal starter
 * depend on the set-up, so no workflow is started and no worker polls (the starter starts its
 * workers once the app is ready) before the namespace and its search attributes exist.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NamespaceSetupProperties.class)
public class TemporalNamespaceSetupConfiguration {
  static final String SETUP_BEAN = "temporalNamespaceSetup";

  /** The Temporal starter's beans that use the namespace. */
  static final List<String> USERS = List.of("temporalWorkflowClient", "temporalWorkerFactory");

  @Bean(name = SETUP_BEAN, initMethod = "runIfEnabled")
  TemporalNamespaceSetup temporalNamespaceSetup(
      WorkflowServiceStubs stubs,
      @Value("${spring.temporal.namespace:default}") String namespace,
      NamespaceSetupProperties properties) {
    return new TemporalNamespaceSetup(stubs, namespace, properties);
  }

  @Bean
  static BeanFactoryPostProcessor namespaceSetupFirst() {
    return beanFactory -> {
      for (var user : USERS) {
        if (!beanFactory.containsBeanDefinition(user)) {
          continue;
        }
        var definition = beanFactory.getBeanDefinition(user);
        var dependsOn = new ArrayList<String>();
        if (definition.getDependsOn() != null) {
          dependsOn.addAll(Arrays.asList(definition.getDependsOn()));
        }
        dependsOn.add(SETUP_BEAN);
        definition.setDependsOn(dependsOn.toArray(String[]::new));
      }
    };
  }
}
