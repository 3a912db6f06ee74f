package io.strata.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kinds of configuration resources the control plane stores. Each is a JSON document with an
 * {@code id}; a kind knows its URL segment, its key in an {@code apply} file, and which other
 * resources a document refers to (so that a referenced resource cannot be deleted).
 */
enum ResourceKind {
  DISTRIBUTION("distributions", "distributions", "distribution"),
  CACHE_POLICY("cache-policies", "cachePolicies", "cache policy"),
  ORIGIN_REQUEST_POLICY(
      "origin-request-policies", "originRequestPolicies", "origin request policy"),
  RESPONSE_HEADERS_POLICY(
      "response-headers-policies", "responseHeadersPolicies", "response headers policy"),
  PUBLIC_KEY("public-keys", "publicKeys", "public key"),
  KEY_GROUP("key-groups", "keyGroups", "key group");

  /** A field of a behavior that names another resource, and the kind it names. */
  private record ReferenceField(String field, ResourceKind kind) {}

  /** Built lazily: enum constants cannot be referenced from their own static initializers. */
  private static List<ReferenceField> behaviorReferences() {
    return List.of(
        new ReferenceField("cachePolicyId", CACHE_POLICY),
        new ReferenceField("originRequestPolicyId", ORIGIN_REQUEST_POLICY),
        new ReferenceField("responseHeadersPolicyId", RESPONSE_HEADERS_POLICY));
  }

  private final String segment;
  private final String fileKey;
  private final String label;

  ResourceKind(String segment, String fileKey, String label) {
    this.segment = segment;
    this.fileKey = fileKey;
    this.label = label;
  }

  /** The URL segment under {@code /v1/}, also the stored kind name. */
  String segment() {
    return segment;
  }

  /** The key of this kind's list in an {@code apply} file or an imported configuration file. */
  String fileKey() {
    return fileKey;
  }

  String label() {
    return label;
  }

  static Optional<ResourceKind> bySegment(String segment) {
    for (ResourceKind k : values()) {
      if (k.segment.equals(segment)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** A reference from a document to another resource, with the field path that holds it. */
  record Reference(ResourceKind kind, String id, String field) {}

  /** The resources {@code body} (a document of this kind) refers to. */
  List<Reference> references(JsonObject body) {
    List<Reference> refs = new ArrayList<>();
    if (this == DISTRIBUTION) {
      if (body.getValue("defaultBehavior") instanceof JsonObject b) {
        behaviorReferences(b, "defaultBehavior", refs);
      }
      if (body.getValue("behaviors") instanceof JsonArray list) {
        for (int i = 0; i < list.size(); i++) {
          if (list.getValue(i) instanceof JsonObject b) {
            behaviorReferences(b, "behaviors[" + i + "]", refs);
          }
        }
      }
    } else if (this == KEY_GROUP && body.getValue("keys") instanceof JsonArray keys) {
      for (int i = 0; i < keys.size(); i++) {
        if (keys.getValue(i) instanceof String id) {
          refs.add(new Reference(PUBLIC_KEY, id, "keys[" + i + "]"));
        }
      }
    }
    return refs;
  }

  private static void behaviorReferences(JsonObject behavior, String path, List<Reference> refs) {
    for (ReferenceField r : behaviorReferences()) {
      if (behavior.getValue(r.field()) instanceof String id) {
        refs.add(new Reference(r.kind(), id, path + "." + r.field()));
      }
    }
    if (behavior.getValue("trustedKeyGroups") instanceof JsonArray groups) {
      for (int i = 0; i < groups.size(); i++) {
        if (groups.getValue(i) instanceof String id) {
          refs.add(new Reference(KEY_GROUP, id, path + ".trustedKeyGroups[" + i + "]"));
        }
      }
    }
  }
}
