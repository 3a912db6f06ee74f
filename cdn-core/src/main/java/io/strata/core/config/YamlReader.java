package io.strata.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.strata.core.config.YamlNode.Entry;
import io.strata.core.config.YamlNode.Position;
import io.strata.core.config.YamlNode.Scalar;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML document (JSON included) into a {@link YamlNode} tree with positions. Jackson's
 * streaming parser is used directly because its tree model forgets where values came from.
 * Duplicate keys, YAML aliases and multiple documents are rejected.
 */
final class YamlReader {

  private static final YAMLFactory FACTORY = new YAMLFactory();

  private final String source;
  private final YAMLParser parser;

  private YamlReader(String source, YAMLParser parser) {
    this.source = source;
    this.parser = parser;
  }

  /**
   * Parses {@code text}.
   *
   * @throws ConfigException on a syntax error, an empty input or any of the rejected constructs
   */
  static YamlNode read(String text, String source) {
    try (YAMLParser parser = FACTORY.createParser(text)) {
      YamlReader reader = new YamlReader(source, parser);
      if (parser.nextToken() == null) {
        throw new ConfigException(
            source + ":1:1: empty document (expected: a mapping with 'distributions')");
      }
      YamlNode root = reader.readValue("");
      if (parser.nextToken() != null) {
        throw reader.error(reader.position(), "a second YAML document (expected: exactly one)");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation location = e.getLocation();
      String where =
          location == null
              ? source
              : source + ":" + location.getLineNr() + ":" + location.getColumnNr();
      throw new ConfigException(where + ": invalid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot parse: " + e.getMessage(), e);
    }
  }

  private YamlNode readValue(String path) throws IOException {
    Position position = position();
    if (parser.isCurrentAlias()) {
      throw error(
          position,
          (path.isEmpty() ? "" : path + ": ")
              + "YAML alias *"
              + parser.getText()
              + " (expected: a plain value; aliases are not supported)");
    }
    JsonToken token = parser.currentToken();
    return switch (token) {
      case START_OBJECT -> readMapping(position, path);
      case START_ARRAY -> readSequence(position, path);
      case VALUE_NUMBER_INT ->
          new Scalar(position, parser.getText(), Scalar.Kind.INTEGER, integerValue());
      case VALUE_NUMBER_FLOAT -> new Scalar(position, parser.getText(), Scalar.Kind.FLOAT, null);
      case VALUE_TRUE, VALUE_FALSE ->
          new Scalar(position, parser.getText(), Scalar.Kind.BOOLEAN, null);
      case VALUE_NULL -> new Scalar(position, "null", Scalar.Kind.NULL, null);
      default -> new Scalar(position, parser.getText(), Scalar.Kind.STRING, null);
    };
  }

  private YamlNode readMapping(Position position, String path) throws IOException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      Position keyPosition = position();
      if (entries.containsKey(key)) {
        throw error(
            keyPosition, "duplicate field '" + key + "' in " + ConfigBinder.describePath(path));
      }
      parser.nextToken();
      entries.put(key, new Entry(key, keyPosition, readValue(ConfigBinder.field(path, key))));
    }
    return new YamlNode.Mapping(position, Collections.unmodifiableMap(entries));
  }

  private YamlNode readSequence(Position position, String path) throws IOException {
    List<YamlNode> items = new ArrayList<>();
    for (JsonToken token = parser.nextToken();
        token != null && token != JsonToken.END_ARRAY;
        token = parser.nextToken()) {
      items.add(readValue(ConfigBinder.index(path, items.size())));
    }
    return new YamlNode.Sequence(position, List.copyOf(items));
  }

  private BigInteger integerValue() throws IOException {
    Number number = parser.getNumberValue();
    return number instanceof BigInteger big ? big : BigInteger.valueOf(number.longValue());
  }

  private Position position() {
    JsonLocation location = parser.currentTokenLocation();
    return new Position(location.getLineNr(), location.getColumnNr());
  }

  private ConfigException error(Position position, String message) {
    return new ConfigException(
        source + ":" + position.line() + ":" + position.column() + ": " + message);
  }
}
