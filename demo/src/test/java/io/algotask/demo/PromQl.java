package io.algotask.demo;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The metric names in a PromQL expression: what is left once label matchers, ranges, groupings,
 * function calls and keywords are taken out.
 */
final class PromQl {
  private PromQl() {}

  private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"");
  private static final Pattern BRACED = Pattern.compile("\\{[^}]*\\}|\\[[^\\]]*\\]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(?!\\s*\\()");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

  /** The metric names a PromQL expression reads. */
  static Set<String> metricNames(String promql) {
    var bare = QUOTED.matcher(promql).replaceAll("");
    bare = BRACED.matcher(bare).replaceAll("");
    bare = GROUPING.matcher(bare).replaceAll("");
    var names = new TreeSet<String>();
    var identifiers = IDENTIFIER.matcher(bare);
    while (identifiers.find()) {
      var name = identifiers.group(1);
      if (!KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }
}
