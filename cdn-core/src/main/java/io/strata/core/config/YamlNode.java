package io.strata.core.config;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value that remembers where it came from, so that validation errors can name a line
 * and column. Built by {@link YamlReader}, read by {@link ConfigBinder}.
 */
sealed interface YamlNode {

  /** Returns where the value starts in the source. */
  Position position();

  /** Describes the value for an error message: the scalar text, or the kind of collection. */
  String describe();

  /** A 1-based line and column in the source text. */
  record Position(int line, int column) {}

  /** A field of a {@link Mapping}: the position of its key and its value. */
  record Entry(String key, Position keyPosition, YamlNode value) {}

  /** A mapping, with entries in source order. */
  record Mapping(Position position, Map<String, Entry> entries) implements YamlNode {
    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** A sequence. */
  record Sequence(Position position, List<YamlNode> items) implements YamlNode {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /**
   * A scalar.
   *
   * @param text the scalar's text
   * @param kind what YAML resolved the scalar to
   * @param integer the value of an {@link Kind#INTEGER} scalar, {@code null} otherwise
   */
  record Scalar(Position position, String text, Kind kind, BigInteger integer) implements YamlNode {

    /** What YAML resolved a scalar to. */
    enum Kind {
      STRING,
      INTEGER,
      FLOAT,
      BOOLEAN,
      NULL
    }

    @Override
    public String describe() {
      return switch (kind) {
        case STRING -> Syntax.quote(text);
        case NULL -> "null";
        default -> text;
      };
    }
  }

  /**
   * Finds where a field path relative to {@code node} was written: the key of the last mapping
   * field on the path, or the position of the last list item. Stops at the deepest part of the path
   * that exists in the source (a field may have been defaulted).
   *
   * @param node the node the path is relative to
   * @param at where {@code node} itself was written (its key, when it is a field value)
   * @param path a path such as {@code origins[1].id}
   */
  static Position locate(YamlNode node, Position at, String path) {
    YamlNode current = node;
    Position position = at;
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '[') {
        int close = path.indexOf(']', i);
        int index = Integer.parseInt(path.substring(i + 1, close));
        if (!(current instanceof Sequence sequence) || index >= sequence.items().size()) {
          return position;
        }
        current = sequence.items().get(index);
        position = current.position();
        i = close + 1;
      } else {
        int end = i;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        Entry entry =
            current instanceof Mapping mapping
                ? mapping.entries().get(path.substring(i, end))
                : null;
        if (entry == null) {
          return position;
        }
        current = entry.value();
        position = entry.keyPosition();
        i = end;
      }
    }
    return position;
  }
}
