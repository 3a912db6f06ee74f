package io.strata.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A request the admin API refuses: the HTTP status, a CloudFront-style error code, a message, and
 * for validation failures every problem found, each with its field path. Rendered as {@code
 * {"error": {"code", "message", "problems": [{"field", "problem"}]}}}.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** One invalid field: its path in the submitted document and what is wrong with its value. */
  record Problem(String field, String problem) {
    JsonObject toJson() {
      return new JsonObject().put("field", field).put("problem", problem);
    }
  }

  private final int status;
  private final String code;
  private final transient List<Problem> problems;
  private final transient JsonObject details;

  ApiError(int status, String code, String message) {
    this(status, code, message, List.of(), null);
  }

  ApiError(int status, String code, String message, List<Problem> problems, JsonObject details) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.problems = List.copyOf(problems);
    this.details = details;
  }

  static ApiError invalid(List<Problem> problems) {
    StringBuilder message = new StringBuilder();
    message.append(problems.size()).append(problems.size() == 1 ? " problem: " : " problems: ");
    for (int i = 0; i < problems.size(); i++) {
      if (i > 0) {
        message.append("; ");
      }
      message.append(problems.get(i).field()).append(": ").append(problems.get(i).problem());
    }
    return new ApiError(400, "InvalidArgument", message.toString(), problems, null);
  }

  static ApiError notFound(String what) {
    return new ApiError(404, "NoSuchResource", what + " does not exist");
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  List<Problem> problems() {
    return problems;
  }

  JsonObject toJson() {
    JsonObject error = new JsonObject().put("code", code).put("message", getMessage());
    if (!problems.isEmpty()) {
      JsonArray list = new JsonArray();
      problems.forEach(p -> list.add(p.toJson()));
      error.put("problems", list);
    }
    if (details != null) {
      details.forEach(e -> error.put(e.getKey(), e.getValue()));
    }
    return new JsonObject().put("error", error);
  }
}
