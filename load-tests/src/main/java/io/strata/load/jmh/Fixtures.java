package io.strata.load.jmh;

import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;

/** Shared inputs of the benchmarks: a configuration shaped like a real site's. */
final class Fixtures {
  private Fixtures() {}

  /** Eight behaviors before the default one, so a match walks a realistic list. */
  static Router router() {
    StringBuilder yaml =
        new StringBuilder(
            String.join(
                "\n",
                "distributions:",
                "  - id: site",
                "    aliases: [localhost, 127.0.0.1, www.example.com, example.com]",
                "    origins:",
                "      - id: web",
                "        url: http://127.0.0.1:8000",
                "    defaultBehavior:",
                "      origin: web",
                "      cachePolicy: { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 }",
                "    behaviors:",
                ""));
    String[] patterns = {
      "/api/*",
      "/admin/*",
      "/static/*.css",
      "/static/*.js",
      "/images/*.png",
      "/images/*.jpg",
      "/video/*/segment-??.ts",
      "/downloads/*"
    };
    for (String p : patterns) {
      yaml.append("      - pathPattern: ")
          .append(p)
          .append("\n        origin: web\n")
          .append("        cachePolicy: { minTtl: 0, defaultTtl: 3600, maxTtl: 86400 }\n");
    }
    return new Router(ConfigLoader.parse(yaml.toString(), "benchmark.yaml"));
  }
}
