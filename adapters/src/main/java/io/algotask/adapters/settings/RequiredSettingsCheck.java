package io.algotask.adapters.settings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Refuses to start an app that lacks a setting it cannot run without, or that holds a development
 * credential, unless the {@code local} profile is active. Runs once the configuration is loaded and
 * before any bean exists, so nothing connects anywhere with half a configuration; one message names
 * every missing, conflicting or development setting at once.
 *
 * <p>The development values are those the {@code local} profile sets: they are read from its YAML
 * files, so a value added there is refused elsewhere with no list to keep in step.
 */
public abstract class RequiredSettingsCheck implements EnvironmentPostProcessor, Ordered {
  /** The profile of the local stack: development values, no checks. */
  public static final String LOCAL_PROFILE = "local";

  /** The YAML files (on the classpath) of the {@code local} profile: the development values. */
  private static final List<String> LOCAL_FILES =
      List.of("algotask-common-local.yaml", "application-local.yaml");

  /** What every app needs: its stack, and the keys that sign and check callback tokens. */
  private static final List<Setting> SHARED =
      List.of(
          Setting.value("spring.datasource.url"),
          Setting.value("spring.datasource.username"),
          Setting.secret("spring.datasource.password"),
          Setting.value("spring.kafka.bootstrap-servers"),
          Setting.value("spring.temporal.connection.target"),
          Setting.oneOf("algotask.redis.uri", "algotask.redis.cluster-nodes"),
          // both or neither: without them, the AWS default credential chain (IRSA, instance
          // profiles, ...)
          Setting.optionalValue("algotask.storage.access-key", "algotask.storage.secret-key"),
          Setting.optionalSecret("algotask.storage.secret-key", "algotask.storage.access-key"),
          Setting.value("algotask.callback.base-url"),
          Setting.value("algotask.callback.active-key-id"),
          Setting.list("algotask.callback.signing-keys", List.of("id"), "secret"),
          // none: requests to algorithm services go unsigned; a development key is refused
          Setting.optionalList(
              "algotask.invocation.signing.keys",
              List.of("id"),
              "secret",
              "algotask.invocation.signing.active-key-id"));

  /** The settings this app needs besides the shared ones. */
  protected abstract List<Setting> appSettings();

  @Override
  public int getOrder() {
    // after the configuration files and profiles are loaded
    return Ordered.LOWEST_PRECEDENCE;
  }

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.acceptsProfiles(Profiles.of(LOCAL_PROFILE))) {
      return;
    }
    var settings = new ArrayList<>(SHARED);
    settings.addAll(appSettings());
    var problems = problems(Binder.get(environment), developmentBinder(), settings);
    if (!problems.isEmpty()) {
      throw new MissingSettingsException(problems);
    }
  }

  static List<String> problems(Binder binder, Binder development, List<Setting> settings) {
    var missing = new ArrayList<String>();
    var conflicting = new ArrayList<String>();
    var developmentValues = new ArrayList<String>();
    for (var setting : settings) {
      setting.check(binder, missing, conflicting);
      for (var secretName : setting.secretNames(binder)) {
        var given = binder.bind(secretName, String.class).orElse(null);
        var knownValues =
            development == null ? Set.<String>of() : setting.secretValues(development);
        if (given != null && knownValues.contains(given)) {
          developmentValues.add(secretName);
        }
      }
    }
    var problems = new ArrayList<String>();
    missing.forEach(name -> problems.add("missing: " + name));
    conflicting.forEach(names -> problems.add("only one of: " + names));
    developmentValues.forEach(
        name -> problems.add("a development value (published in README): " + name));
    return problems;
  }

  /** The settings of the {@code local} profile, as the YAML files on the classpath give them. */
  static Binder developmentBinder() {
    var loader = new YamlPropertySourceLoader();
    var local = new ArrayList<PropertySource<?>>();
    for (var file : LOCAL_FILES) {
      var resource = new ClassPathResource(file);
      if (!resource.exists()) {
        continue;
      }
      try {
        local.addAll(loader.load(file, resource));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + file + " from the classpath", e);
      }
    }
    return new Binder(ConfigurationPropertySources.from(local));
  }

  /**
   * A setting an app needs: a single value, a list of objects each with some required fields, or
   * exactly one of several values.
   *
   * @param name the property name, in its canonical form
   * @param fields for a list: the fields each element needs besides the secret one
   * @param secretField for a list: the field that holds a secret; for a value: the name itself when
   *     the value is a secret, else null
   * @param isList whether the setting is a list of objects
   * @param alternatives the names that may stand instead of {@code name}, each a value or a list of
   *     values; exactly one of them all must be given
   * @param requiredWith for a value or list that may be left out: the setting it must be given with
   *     (a value: both or neither; a list: needed when that setting is given), else null: it is
   *     always required
   */
  public record Setting(
      String name,
      List<String> fields,
      String secretField,
      boolean isList,
      List<String> alternatives,
      String requiredWith) {
    private static final ResolvableType ELEMENTS =
        ResolvableType.forClassWithGenerics(
            List.class, ResolvableType.forClassWithGenerics(Map.class, String.class, String.class));

    public static Setting value(String name) {
      return new Setting(name, List.of(), null, false, List.of(), null);
    }

    public static Setting secret(String name) {
      return new Setting(name, List.of(), name, false, List.of(), null);
    }

    /** A value needed only when {@code requiredWith} is set: the two go together. */
    public static Setting optionalValue(String name, String requiredWith) {
      return new Setting(name, List.of(), null, false, List.of(), requiredWith);
    }

    /** A secret needed only when {@code requiredWith} is set; a development value is refused. */
    public static Setting optionalSecret(String name, String requiredWith) {
      return new Setting(name, List.of(), name, false, List.of(), requiredWith);
    }

    public static Setting list(String name, List<String> fields, String secretField) {
      return new Setting(name, fields, secretField, true, List.of(), null);
    }

    /**
     * A list that may be left out unless {@code requiredWith} is set; each element given needs its
     * fields, and a development secret is refused.
     */
    public static Setting optionalList(
        String name, List<String> fields, String secretField, String requiredWith) {
      return new Setting(name, fields, secretField, true, List.of(), requiredWith);
    }

    /** Exactly one of the values, none a secret; each may also be a list of values. */
    public static Setting oneOf(String name, String... alternatives) {
      return new Setting(name, List.of(), null, false, List.of(alternatives), null);
    }

    void check(Binder binder, List<String> missing, List<String> conflicting) {
      if (!alternatives.isEmpty()) {
        var names = new ArrayList<String>();
        names.add(name);
        names.addAll(alternatives);
        var given = names.stream().filter(candidate -> given(binder, candidate)).toList();
        if (given.isEmpty()) {
          missing.add(
              String.join(
                  " or ",
                  names.stream()
                      .map(
                          candidate ->
                              candidate
                                  + " (environment variable "
                                  + environmentVariable(candidate)
                                  + ")")
                      .toList()));
        } else if (given.size() > 1) {
          conflicting.add(String.join(", ", given));
        }
        return;
      }
      if (!isList) {
        if (isSet(binder, name)) {
          return;
        }
        var variable = " (environment variable " + environmentVariable(name) + ")";
        if (requiredWith == null) {
          missing.add(name + variable);
        } else if (isSet(binder, requiredWith)) {
          missing.add(name + variable + ", since " + requiredWith + " is set: set both or neither");
        }
        return;
      }
      var elements = elements(binder);
      if (elements.isEmpty() && requiredWith != null && !isSet(binder, requiredWith)) {
        return;
      }
      if (elements.isEmpty()) {
        missing.add(
            name
                + ": at least one, each with "
                + String.join(", ", allFields())
                + " (environment variables "
                + environmentVariable(name + "[0]." + allFields().get(0))
                + ", ...)");
        return;
      }
      for (int i = 0; i < elements.size(); i++) {
        for (var field : allFields()) {
          var value = elements.get(i).get(field);
          if (value == null || value.isBlank()) {
            var element = name + "[" + i + "]." + field;
            missing.add(element + " (environment variable " + environmentVariable(element) + ")");
          }
        }
      }
    }

    private static boolean isSet(Binder binder, String name) {
      return !binder.bind(name, String.class).orElse("").isBlank();
    }

    /** Whether the name holds a value, or a list (comma-separated or indexed) with one. */
    private static boolean given(Binder binder, String name) {
      return binder.bind(name, Bindable.listOf(String.class)).orElse(List.of()).stream()
          .anyMatch(value -> !value.isBlank());
    }

    private List<String> allFields() {
      var all = new ArrayList<>(fields);
      if (secretField != null) {
        all.add(secretField);
      }
      return all;
    }

    /** The names under which this setting holds a secret in the given configuration. */
    List<String> secretNames(Binder binder) {
      if (secretField == null) {
        return List.of();
      }
      if (!isList) {
        return List.of(name);
      }
      var names = new ArrayList<String>();
      for (int i = 0; i < elements(binder).size(); i++) {
        names.add(name + "[" + i + "]." + secretField);
      }
      return names;
    }

    Set<String> secretValues(Binder binder) {
      var values = new LinkedHashSet<String>();
      for (var secretName : secretNames(binder)) {
        binder.bind(secretName, String.class).ifBound(values::add);
      }
      return values;
    }

    private List<Map<String, String>> elements(Binder binder) {
      return binder.<List<Map<String, String>>>bind(name, Bindable.of(ELEMENTS)).orElse(List.of());
    }

    /**
     * How the setting is spelled as an environment variable, e.g. {@code
     * ALGOTASK_API_CLIENTS_0_KEY}.
     */
    static String environmentVariable(String name) {
      return name.replace("[", ".")
          .replace("]", "")
          .replace("-", "")
          .replace('.', '_')
          .toUpperCase(java.util.Locale.ROOT);
    }
  }
}
