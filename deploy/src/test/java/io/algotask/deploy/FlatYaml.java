package io.algotask.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YAML as Spring reads it: property names joined with dots and list elements indexed, {@code
 * algotask.api.clients[0].name}, each with its scalar value.
 */
final class FlatYaml {
  private FlatYaml() {}

  static Map<String, Object> flatten(Object yaml) {
    var flat = new LinkedHashMap<String, Object>();
    flatten("", yaml, flat);
    return flat;
  }

  private static void flatten(String name, Object value, Map<String, Object> flat) {
    if (value instanceof Map<?, ?> map) {
      map.forEach(
          (key, child) -> flatten(name.isEmpty() ? key.toString() : name + "." + key, child, flat));
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        flatten(name + "[" + i + "]", list.get(i), flat);
      }
    } else {
      flat.put(name, value);
    }
  }

  /**
   * The environment variable Spring binds to a property name: {@code
   * algotask.callback.signing-keys[0].id} is {@code ALGOTASK_CALLBACK_SIGNINGKEYS_0_ID}; the same
   * spelling as the apps' settings check gives in its messages, kept apart since these checks read
   * the apps from outside.
   */
  static String environmentVariable(String name) {
    return name.replace("[", ".")
        .replace("]", "")
        .replace("-", "")
        .replace('.', '_')
        .toUpperCase(java.util.Locale.ROOT);
  }
}
