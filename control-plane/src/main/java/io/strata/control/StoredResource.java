package io.strata.control;

import io.vertx.core.json.JsonObject;

/**
 * One stored document and its metadata. {@code version} is the global configuration version at
 * which it last changed; {@code etag} is derived from it, so any change gives a new ETag.
 */
record StoredResource(
    String kind,
    String id,
    String etag,
    long version,
    JsonObject body,
    long createdAt,
    long updatedAt) {

  static String etagFor(long version) {
    return "E" + version;
  }

  /**
   * The API form: metadata beside the document, with {@code status} ({@code InProgress} until every
   * live node has applied {@code version}) when the caller knows it.
   */
  JsonObject toJson(String status) {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("etag", etag)
            .put("version", version)
            .put("createdAt", java.time.Instant.ofEpochMilli(createdAt).toString())
            .put("updatedAt", java.time.Instant.ofEpochMilli(updatedAt).toString());
    if (status != null) {
      json.put("status", status);
    }
    return json.put("spec", body);
  }
}
