package io.strata.core.config;

import io.strata.core.config.YamlNode.Entry;
import io.strata.core.config.YamlNode.Mapping;
import io.strata.core.config.YamlNode.Position;
import io.strata.core.config.YamlNode.Scalar;
import io.strata.core.config.YamlNode.Sequence;
import io.strata.core.routing.PathPattern;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Turns a {@link YamlNode} tree into a {@link StrataConfig}, rejecting unknown and missing fields
 * and values of the wrong type. Range and cross-field rules live in the records; their {@link
 * InvalidValueException}s are turned into {@link ConfigException}s that point at the offending
 * field.
 */
final class ConfigBinder {

  private static final List<String> ROOT_FIELDS =
      List.of("distributions", "publicKeys", "keyGroups", "responseHeadersPolicies");
  private static final List<String> HEADERS_POLICY_FIELDS =
      List.of("id", "cors", "securityHeaders", "customHeaders", "removeHeaders", "serverTiming");
  private static final List<String> CORS_FIELDS =
      List.of(
          "accessControlAllowOrigins",
          "accessControlAllowMethods",
          "accessControlAllowHeaders",
          "accessControlExposeHeaders",
          "accessControlMaxAgeSec",
          "accessControlAllowCredentials",
          "originOverride");
  private static final List<String> SECURITY_FIELDS =
      List.of(
          "strictTransportSecurity",
          "contentTypeOptions",
          "frameOptions",
          "referrerPolicy",
          "contentSecurityPolicy",
          "override");
  private static final List<String> DISTRIBUTION_FIELDS =
      List.of(
          "id",
          "aliases",
          "origins",
          "defaultBehavior",
          "behaviors",
          "viewerProtocolPolicy",
          "customErrorResponses",
          "restrictions",
          "rateLimit",
          "viewerCertificate",
          "requestLimits",
          "originGroups");
  private static final List<String> ORIGIN_FIELDS =
      List.of(
          "id",
          "url",
          "connectTimeoutMs",
          "readTimeoutMs",
          "healthCheck",
          "maxInFlight",
          "queueLimit",
          "queueTimeoutMs");
  private static final List<String> HEALTH_CHECK_FIELDS =
      List.of(
          "path",
          "intervalMs",
          "timeoutMs",
          "healthyThreshold",
          "unhealthyThreshold",
          "consecutiveFailures",
          "ejectionMs");
  private static final List<String> ORIGIN_GROUP_FIELDS =
      List.of("id", "members", "failoverCriteria");
  private static final List<String> BEHAVIOR_FIELDS =
      List.of(
          "pathPattern",
          "origin",
          "cachePolicy",
          "compress",
          "viewerProtocolPolicy",
          "allowedMethods",
          "cachedMethods",
          "trustedKeyGroups",
          "customErrorResponses",
          "responseHeadersPolicy",
          "lambdaFunctionAssociations");
  private static final List<String> LAMBDA_ASSOCIATION_FIELDS =
      List.of("eventType", "lambdaFunctionArn", "includeBody");
  private static final List<String> ERROR_RESPONSE_FIELDS =
      List.of("errorCode", "responsePagePath", "responseCode", "errorCachingMinTtl");
  private static final List<String> CACHE_POLICY_FIELDS = List.of("minTtl", "defaultTtl", "maxTtl");

  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final String source;

  ConfigBinder(String source) {
    this.source = source;
  }

  StrataConfig bind(YamlNode root) {
    Position start = root.position();
    Mapping mapping = mapping(root, start, "", ROOT_FIELDS, List.of("distributions"));
    Entry entry = mapping.entries().get("distributions");
    Sequence sequence = sequence(entry, "distributions");
    List<Distribution> distributions = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      YamlNode item = sequence.items().get(i);
      distributions.add(distribution(item, index("distributions", i)));
    }
    List<SigningPublicKey> publicKeys =
        list(
            mapping.entries().get("publicKeys"),
            "publicKeys",
            (item, path) -> {
              Mapping m =
                  mapping(
                      item,
                      item.position(),
                      path,
                      List.of("id", "encodedKey"),
                      List.of("id", "encodedKey"));
              String id = string(m.entries().get("id"), path);
              String pem = string(m.entries().get("encodedKey"), path);
              return construct(item, item.position(), path, () -> new SigningPublicKey(id, pem));
            });
    List<KeyGroup> keyGroups =
        list(
            mapping.entries().get("keyGroups"),
            "keyGroups",
            (item, path) -> {
              Mapping m =
                  mapping(
                      item, item.position(), path, List.of("id", "keys"), List.of("id", "keys"));
              String id = string(m.entries().get("id"), path);
              List<String> keys = strings(m.entries().get("keys"), path);
              return construct(item, item.position(), path, () -> new KeyGroup(id, keys));
            });
    List<ResponseHeadersPolicy> headerPolicies =
        list(
            mapping.entries().get("responseHeadersPolicies"),
            "responseHeadersPolicies",
            this::headersPolicy);
    return construct(
        root,
        start,
        "",
        () -> new StrataConfig(distributions, publicKeys, keyGroups, headerPolicies));
  }

  private Distribution distribution(YamlNode node, String path) {
    Mapping mapping =
        mapping(
            node,
            node.position(),
            path,
            DISTRIBUTION_FIELDS,
            List.of("id", "aliases", "origins", "defaultBehavior"));
    String id = string(mapping.entries().get("id"), path);
    List<String> aliases = new ArrayList<>();
    Sequence aliasList = sequence(mapping.entries().get("aliases"), field(path, "aliases"));
    for (int i = 0; i < aliasList.items().size(); i++) {
      YamlNode item = aliasList.items().get(i);
      aliases.add(scalarText(item, item.position(), index(field(path, "aliases"), i)));
    }
    List<Origin> origins = new ArrayList<>();
    Sequence originList = sequence(mapping.entries().get("origins"), field(path, "origins"));
    for (int i = 0; i < originList.items().size(); i++) {
      YamlNode item = originList.items().get(i);
      origins.add(origin(item, index(field(path, "origins"), i)));
    }
    Entry defaultEntry = mapping.entries().get("defaultBehavior");
    Behavior defaultBehavior =
        behavior(
            defaultEntry.value(), defaultEntry.keyPosition(), field(path, "defaultBehavior"), true);
    List<Behavior> behaviors = new ArrayList<>();
    Entry behaviorsEntry = mapping.entries().get("behaviors");
    if (behaviorsEntry != null) {
      Sequence behaviorList = sequence(behaviorsEntry, field(path, "behaviors"));
      for (int i = 0; i < behaviorList.items().size(); i++) {
        YamlNode item = behaviorList.items().get(i);
        behaviors.add(behavior(item, item.position(), index(field(path, "behaviors"), i), false));
      }
    }
    EdgeSettings edge = edgeSettings(mapping, node, path);
    List<OriginGroup> groups =
        list(mapping.entries().get("originGroups"), field(path, "originGroups"), this::originGroup);
    return construct(
        node,
        node.position(),
        path,
        () -> new Distribution(id, aliases, origins, defaultBehavior, behaviors, edge, groups));
  }

  private OriginGroup originGroup(YamlNode node, String path) {
    Mapping m =
        mapping(
            node,
            node.position(),
            path,
            ORIGIN_GROUP_FIELDS,
            List.of("id", "members", "failoverCriteria"));
    String id = string(m.entries().get("id"), path);
    List<String> members = strings(m.entries().get("members"), path);
    Entry criteria = m.entries().get("failoverCriteria");
    String cpath = field(path, "failoverCriteria");
    Mapping c =
        mapping(
            criteria.value(),
            criteria.keyPosition(),
            cpath,
            List.of("statusCodes"),
            List.of("statusCodes"));
    Entry codesEntry = c.entries().get("statusCodes");
    String codesPath = field(cpath, "statusCodes");
    Sequence codes = sequence(codesEntry, codesPath);
    java.util.Set<Integer> statuses = new java.util.LinkedHashSet<>();
    for (int i = 0; i < codes.items().size(); i++) {
      YamlNode item = codes.items().get(i);
      if (!(item instanceof Scalar scalar) || scalar.kind() != Scalar.Kind.INTEGER) {
        throw error(
            item.position(),
            index(codesPath, i) + ": " + item.describe() + " (expected: an HTTP status code)");
      }
      BigInteger code = scalar.integer();
      if (!OriginGroup.ALLOWED_STATUS_CODES.contains(code.intValue())
          || code.compareTo(BigInteger.valueOf(999)) > 0) {
        throw error(
            item.position(),
            index(codesPath, i)
                + ": "
                + code
                + " (expected: one of "
                + new java.util.TreeSet<>(OriginGroup.ALLOWED_STATUS_CODES)
                + ")");
      }
      statuses.add(code.intValue());
    }
    return construct(node, node.position(), path, () -> new OriginGroup(id, members, statuses));
  }

  private Origin origin(YamlNode node, String path) {
    Mapping mapping = mapping(node, node.position(), path, ORIGIN_FIELDS, List.of("id", "url"));
    String id = string(mapping.entries().get("id"), path);
    Entry urlEntry = mapping.entries().get("url");
    String urlText = string(urlEntry, path);
    URI url;
    try {
      url = new URI(urlText);
    } catch (URISyntaxException e) {
      throw error(
          urlEntry.keyPosition(),
          field(path, "url")
              + ": "
              + Syntax.quote(urlText)
              + " (expected: an absolute http or https URL; "
              + e.getReason()
              + " at index "
              + e.getIndex()
              + ")");
    }
    int connectTimeoutMs =
        intValue(
            mapping.entries().get("connectTimeoutMs"), path, Origin.DEFAULT_CONNECT_TIMEOUT_MS);
    int readTimeoutMs =
        intValue(mapping.entries().get("readTimeoutMs"), path, Origin.DEFAULT_READ_TIMEOUT_MS);
    HealthCheck healthCheck = null;
    Entry healthEntry = mapping.entries().get("healthCheck");
    if (healthEntry != null) {
      healthCheck = healthCheck(healthEntry, field(path, "healthCheck"));
    }
    int maxInFlight =
        intValue(mapping.entries().get("maxInFlight"), path, OriginLimits.DEFAULT_MAX_IN_FLIGHT);
    int queueLimit =
        intValue(mapping.entries().get("queueLimit"), path, OriginLimits.DEFAULT_QUEUE_LIMIT);
    int queueTimeoutMs =
        intValue(
            mapping.entries().get("queueTimeoutMs"), path, OriginLimits.DEFAULT_QUEUE_TIMEOUT_MS);
    HealthCheck finalHealth = healthCheck;
    return construct(
        node,
        node.position(),
        path,
        () ->
            new Origin(
                id,
                url,
                connectTimeoutMs,
                readTimeoutMs,
                finalHealth,
                new OriginLimits(maxInFlight, queueLimit, queueTimeoutMs)));
  }

  private HealthCheck healthCheck(Entry entry, String path) {
    Mapping m = mapping(entry.value(), entry.keyPosition(), path, HEALTH_CHECK_FIELDS, List.of());
    String checkPath = optionalString(m, "path", path);
    int interval = intValue(m.entries().get("intervalMs"), path, HealthCheck.DEFAULT_INTERVAL_MS);
    int timeout = intValue(m.entries().get("timeoutMs"), path, HealthCheck.DEFAULT_TIMEOUT_MS);
    int healthy =
        intValue(m.entries().get("healthyThreshold"), path, HealthCheck.DEFAULT_HEALTHY_THRESHOLD);
    int unhealthy =
        intValue(
            m.entries().get("unhealthyThreshold"), path, HealthCheck.DEFAULT_UNHEALTHY_THRESHOLD);
    int failures =
        intValue(
            m.entries().get("consecutiveFailures"), path, HealthCheck.DEFAULT_CONSECUTIVE_FAILURES);
    int ejection = intValue(m.entries().get("ejectionMs"), path, HealthCheck.DEFAULT_EJECTION_MS);
    return construct(
        entry.value(),
        entry.keyPosition(),
        path,
        () ->
            new HealthCheck(checkPath, interval, timeout, healthy, unhealthy, failures, ejection));
  }

  private Behavior behavior(YamlNode node, Position at, String path, boolean isDefault) {
    Mapping mapping =
        mapping(
            node,
            at,
            path,
            BEHAVIOR_FIELDS,
            isDefault ? List.of("origin") : List.of("pathPattern", "origin"));
    Entry patternEntry = mapping.entries().get("pathPattern");
    PathPattern pattern = PathPattern.parse("*");
    if (patternEntry != null) {
      String text = string(patternEntry, path);
      try {
        pattern = PathPattern.parse(text);
      } catch (IllegalArgumentException e) {
        throw error(patternEntry.keyPosition(), field(path, "pathPattern") + ": " + e.getMessage());
      }
    }
    String origin = string(mapping.entries().get("origin"), path);
    Entry policyEntry = mapping.entries().get("cachePolicy");
    CachePolicy policy =
        policyEntry == null
            ? CachePolicy.DEFAULT
            : cachePolicy(
                policyEntry.value(), policyEntry.keyPosition(), field(path, "cachePolicy"));
    boolean compress = bool(mapping.entries().get("compress"), path, false);
    PathPattern finalPattern = pattern;
    ViewerSettings viewer = viewerSettings(mapping, node, at, path);
    List<LambdaFunctionAssociation> functions =
        list(
            mapping.entries().get("lambdaFunctionAssociations"),
            field(path, "lambdaFunctionAssociations"),
            this::lambdaAssociation);
    return construct(
        node,
        at,
        path,
        () -> new Behavior(finalPattern, origin, policy, compress, viewer, functions));
  }

  private LambdaFunctionAssociation lambdaAssociation(YamlNode node, String path) {
    Mapping m =
        mapping(
            node,
            node.position(),
            path,
            LAMBDA_ASSOCIATION_FIELDS,
            List.of("eventType", "lambdaFunctionArn"));
    String type = string(m.entries().get("eventType"), path);
    String function = string(m.entries().get("lambdaFunctionArn"), path);
    boolean body = bool(m.entries().get("includeBody"), path, false);
    return construct(
        node, node.position(), path, () -> LambdaFunctionAssociation.of(type, function, body));
  }

  private CachePolicy cachePolicy(YamlNode node, Position at, String path) {
    Mapping mapping = mapping(node, at, path, CACHE_POLICY_FIELDS, List.of());
    OptionalLong min = longValue(mapping.entries().get("minTtl"), path);
    OptionalLong def = longValue(mapping.entries().get("defaultTtl"), path);
    OptionalLong max = longValue(mapping.entries().get("maxTtl"), path);
    return construct(node, at, path, () -> CachePolicy.of(min, def, max));
  }

  private ViewerSettings viewerSettings(Mapping mapping, YamlNode node, Position at, String path) {
    Entry protocolEntry = mapping.entries().get("viewerProtocolPolicy");
    String protocol = protocolEntry == null ? null : string(protocolEntry, path);
    Entry allowedEntry = mapping.entries().get("allowedMethods");
    List<String> allowed = allowedEntry == null ? null : strings(allowedEntry, path);
    Entry cachedEntry = mapping.entries().get("cachedMethods");
    List<String> cached = cachedEntry == null ? List.of("GET", "HEAD") : strings(cachedEntry, path);
    if (!cached.equals(List.of("GET", "HEAD"))
        && !cached.equals(List.of("GET", "HEAD", "OPTIONS"))) {
      throw error(
          cachedEntry.keyPosition(),
          field(path, "cachedMethods")
              + ": "
              + cached
              + " (expected: [GET, HEAD] or [GET, HEAD, OPTIONS])");
    }
    Entry groupsEntry = mapping.entries().get("trustedKeyGroups");
    List<String> groups = groupsEntry == null ? List.of() : strings(groupsEntry, path);
    Entry errorsEntry = mapping.entries().get("customErrorResponses");
    List<CustomErrorResponse> errors =
        errorsEntry == null
            ? null
            : errorResponses(errorsEntry, field(path, "customErrorResponses"));
    Entry headersEntry = mapping.entries().get("responseHeadersPolicy");
    String headersPolicy = headersEntry == null ? null : string(headersEntry, path);
    return construct(
        node,
        at,
        path,
        () ->
            new ViewerSettings(
                protocol == null
                    ? null
                    : ViewerProtocolPolicy.parse("viewerProtocolPolicy", protocol),
                allowed == null ? null : AllowedMethods.parse("allowedMethods", allowed),
                cached.size() == 3,
                groups,
                errors,
                headersPolicy));
  }

  private EdgeSettings edgeSettings(Mapping mapping, YamlNode node, String path) {
    Entry protocolEntry = mapping.entries().get("viewerProtocolPolicy");
    String protocol = protocolEntry == null ? null : string(protocolEntry, path);
    Entry errorsEntry = mapping.entries().get("customErrorResponses");
    List<CustomErrorResponse> errors =
        errorsEntry == null
            ? List.of()
            : errorResponses(errorsEntry, field(path, "customErrorResponses"));
    Restrictions restrictions = Restrictions.NONE;
    Entry restrictionsEntry = mapping.entries().get("restrictions");
    if (restrictionsEntry != null) {
      restrictions = restrictions(restrictionsEntry, field(path, "restrictions"));
    }
    RateLimit rateLimit = null;
    Entry rateEntry = mapping.entries().get("rateLimit");
    if (rateEntry != null) {
      String rpath = field(path, "rateLimit");
      Mapping m =
          mapping(
              rateEntry.value(),
              rateEntry.keyPosition(),
              rpath,
              List.of("requestsPerSecond", "burst"),
              List.of("requestsPerSecond"));
      int rate = intValue(m.entries().get("requestsPerSecond"), rpath, 0);
      int burst = intValue(m.entries().get("burst"), rpath, rate);
      rateLimit =
          construct(
              rateEntry.value(), rateEntry.keyPosition(), rpath, () -> new RateLimit(rate, burst));
    }
    ViewerCertificate certificate = null;
    Entry certEntry = mapping.entries().get("viewerCertificate");
    if (certEntry != null) {
      String cpath = field(path, "viewerCertificate");
      Mapping m =
          mapping(
              certEntry.value(),
              certEntry.keyPosition(),
              cpath,
              List.of("certificateChain", "privateKey"),
              List.of("certificateChain", "privateKey"));
      String chain = string(m.entries().get("certificateChain"), cpath);
      String key = string(m.entries().get("privateKey"), cpath);
      certificate =
          construct(
              certEntry.value(),
              certEntry.keyPosition(),
              cpath,
              () -> new ViewerCertificate(chain, key));
    }
    RequestLimits limits = RequestLimits.DEFAULT;
    Entry limitsEntry = mapping.entries().get("requestLimits");
    if (limitsEntry != null) {
      String lpath = field(path, "requestLimits");
      Mapping m =
          mapping(
              limitsEntry.value(),
              limitsEntry.keyPosition(),
              lpath,
              List.of("maxUrlLength", "maxBodyBytes"),
              List.of());
      int url =
          intValue(m.entries().get("maxUrlLength"), lpath, RequestLimits.DEFAULT_MAX_URL_LENGTH);
      Entry bodyEntry = m.entries().get("maxBodyBytes");
      long body =
          bodyEntry == null
              ? RequestLimits.DEFAULT_MAX_BODY_BYTES
              : longValue(bodyEntry, lpath).getAsLong();
      limits =
          construct(
              limitsEntry.value(),
              limitsEntry.keyPosition(),
              lpath,
              () -> new RequestLimits(url, body));
    }
    RequestLimits finalLimits = limits;
    Restrictions finalRestrictions = restrictions;
    RateLimit finalRate = rateLimit;
    ViewerCertificate finalCertificate = certificate;
    return construct(
        node,
        node.position(),
        path,
        () ->
            new EdgeSettings(
                protocol == null
                    ? null
                    : ViewerProtocolPolicy.parse("viewerProtocolPolicy", protocol),
                errors,
                finalRestrictions,
                finalRate,
                finalCertificate,
                finalLimits));
  }

  private Restrictions restrictions(Entry entry, String path) {
    Mapping m =
        mapping(
            entry.value(),
            entry.keyPosition(),
            path,
            List.of("ipAllow", "ipDeny", "geoRestriction"),
            List.of());
    List<String> allow =
        m.entries().containsKey("ipAllow") ? strings(m.entries().get("ipAllow"), path) : List.of();
    List<String> deny =
        m.entries().containsKey("ipDeny") ? strings(m.entries().get("ipDeny"), path) : List.of();
    String type = "none";
    List<String> locations = List.of();
    Entry geo = m.entries().get("geoRestriction");
    if (geo != null) {
      String gpath = field(path, "geoRestriction");
      Mapping g =
          mapping(
              geo.value(),
              geo.keyPosition(),
              gpath,
              List.of("restrictionType", "locations"),
              List.of("restrictionType"));
      type = string(g.entries().get("restrictionType"), gpath);
      // CloudFront's own words for the two list kinds.
      type = type.equals("whitelist") ? "allow" : type.equals("blacklist") ? "block" : type;
      locations =
          g.entries().containsKey("locations")
              ? strings(g.entries().get("locations"), gpath)
              : List.of();
    }
    String finalType = type;
    List<String> finalLocations = locations;
    return construct(
        entry.value(),
        entry.keyPosition(),
        path,
        () ->
            new Restrictions(
                Restrictions.cidrs("ipAllow", allow),
                Restrictions.cidrs("ipDeny", deny),
                finalType,
                finalLocations));
  }

  private List<CustomErrorResponse> errorResponses(Entry entry, String path) {
    Sequence sequence = sequence(entry, path);
    List<CustomErrorResponse> out = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      YamlNode item = sequence.items().get(i);
      String ipath = index(path, i);
      Mapping m =
          mapping(item, item.position(), ipath, ERROR_RESPONSE_FIELDS, List.of("errorCode"));
      int code = intValue(m.entries().get("errorCode"), ipath, 0);
      Entry pageEntry = m.entries().get("responsePagePath");
      String page = pageEntry == null ? null : string(pageEntry, ipath);
      Entry responseEntry = m.entries().get("responseCode");
      Integer response = responseEntry == null ? null : intValue(responseEntry, ipath, 0);
      Entry ttlEntry = m.entries().get("errorCachingMinTtl");
      long ttl =
          ttlEntry == null
              ? CustomErrorResponse.DEFAULT_ERROR_CACHING_MIN_TTL
              : longValue(ttlEntry, ipath).getAsLong();
      out.add(
          construct(
              item,
              item.position(),
              ipath,
              () -> new CustomErrorResponse(code, page, response, ttl)));
    }
    try {
      EdgeSettings.checkUniqueCodes("", out);
    } catch (InvalidValueException e) {
      throw error(
          YamlNode.locate(sequence, entry.keyPosition(), e.field()),
          path + e.field() + ": " + e.problem());
    }
    return out;
  }

  private <T> List<T> list(
      Entry entry, String path, java.util.function.BiFunction<YamlNode, String, T> item) {
    if (entry == null) {
      return List.of();
    }
    Sequence sequence = sequence(entry, path);
    List<T> out = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      out.add(item.apply(sequence.items().get(i), index(path, i)));
    }
    return out;
  }

  private ResponseHeadersPolicy headersPolicy(YamlNode node, String path) {
    Mapping m = mapping(node, node.position(), path, HEADERS_POLICY_FIELDS, List.of("id"));
    String id = string(m.entries().get("id"), path);
    ResponseHeadersPolicy.Cors cors = null;
    Entry corsEntry = m.entries().get("cors");
    if (corsEntry != null) {
      String cpath = field(path, "cors");
      Mapping c =
          mapping(
              corsEntry.value(),
              corsEntry.keyPosition(),
              cpath,
              CORS_FIELDS,
              List.of("accessControlAllowOrigins", "accessControlAllowMethods"));
      List<String> origins = strings(c.entries().get("accessControlAllowOrigins"), cpath);
      List<String> methods = strings(c.entries().get("accessControlAllowMethods"), cpath);
      List<String> headers = optionalStrings(c, "accessControlAllowHeaders", cpath);
      List<String> expose = optionalStrings(c, "accessControlExposeHeaders", cpath);
      Entry maxAgeEntry = c.entries().get("accessControlMaxAgeSec");
      Integer maxAge = maxAgeEntry == null ? null : intValue(maxAgeEntry, cpath, 0);
      boolean credentials = bool(c.entries().get("accessControlAllowCredentials"), cpath, false);
      boolean override = bool(c.entries().get("originOverride"), cpath, true);
      cors =
          construct(
              corsEntry.value(),
              corsEntry.keyPosition(),
              cpath,
              () ->
                  new ResponseHeadersPolicy.Cors(
                      origins, methods, headers, expose, maxAge, credentials, override));
    }
    ResponseHeadersPolicy.SecurityHeaders security = null;
    Entry securityEntry = m.entries().get("securityHeaders");
    if (securityEntry != null) {
      String spath = field(path, "securityHeaders");
      Mapping sm =
          mapping(
              securityEntry.value(),
              securityEntry.keyPosition(),
              spath,
              SECURITY_FIELDS,
              List.of());
      String hsts = optionalString(sm, "strictTransportSecurity", spath);
      boolean nosniff = bool(sm.entries().get("contentTypeOptions"), spath, false);
      String frame = optionalString(sm, "frameOptions", spath);
      String referrer = optionalString(sm, "referrerPolicy", spath);
      String csp = optionalString(sm, "contentSecurityPolicy", spath);
      boolean override = bool(sm.entries().get("override"), spath, true);
      security =
          construct(
              securityEntry.value(),
              securityEntry.keyPosition(),
              spath,
              () ->
                  new ResponseHeadersPolicy.SecurityHeaders(
                      hsts, nosniff, frame, referrer, csp, override));
    }
    List<ResponseHeadersPolicy.CustomHeader> custom =
        list(
            m.entries().get("customHeaders"),
            field(path, "customHeaders"),
            (item, ipath) -> {
              Mapping h =
                  mapping(
                      item,
                      item.position(),
                      ipath,
                      List.of("header", "value", "override"),
                      List.of("header", "value"));
              String header = string(h.entries().get("header"), ipath);
              String value = string(h.entries().get("value"), ipath);
              boolean override = bool(h.entries().get("override"), ipath, true);
              return construct(
                  item,
                  item.position(),
                  ipath,
                  () -> new ResponseHeadersPolicy.CustomHeader(header, value, override));
            });
    List<String> remove = optionalStrings(m, "removeHeaders", path);
    Double sampling = null;
    Entry timingEntry = m.entries().get("serverTiming");
    if (timingEntry != null) {
      String tpath = field(path, "serverTiming");
      Mapping t =
          mapping(
              timingEntry.value(),
              timingEntry.keyPosition(),
              tpath,
              List.of("enabled", "samplingRate"),
              List.of("enabled"));
      if (bool(t.entries().get("enabled"), tpath, false)) {
        Entry rate = t.entries().get("samplingRate");
        sampling = rate == null ? 100.0 : number(rate, tpath);
      }
    }
    ResponseHeadersPolicy.Cors finalCors = cors;
    ResponseHeadersPolicy.SecurityHeaders finalSecurity = security;
    Double finalSampling = sampling;
    return construct(
        node,
        node.position(),
        path,
        () ->
            new ResponseHeadersPolicy(id, finalCors, finalSecurity, custom, remove, finalSampling));
  }

  private List<String> optionalStrings(Mapping mapping, String name, String path) {
    Entry entry = mapping.entries().get(name);
    return entry == null ? List.of() : strings(entry, path);
  }

  private String optionalString(Mapping mapping, String name, String path) {
    Entry entry = mapping.entries().get(name);
    return entry == null ? null : string(entry, path);
  }

  private boolean bool(Entry entry, String parentPath, boolean fallback) {
    if (entry == null) {
      return fallback;
    }
    if (!(entry.value() instanceof Scalar scalar) || scalar.kind() != Scalar.Kind.BOOLEAN) {
      throw error(
          entry.keyPosition(),
          field(parentPath, entry.key())
              + ": "
              + entry.value().describe()
              + " (expected: true or false)");
    }
    return Boolean.parseBoolean(scalar.text().toLowerCase(java.util.Locale.ROOT));
  }

  private double number(Entry entry, String parentPath) {
    if (entry.value() instanceof Scalar scalar
        && (scalar.kind() == Scalar.Kind.INTEGER || scalar.kind() == Scalar.Kind.FLOAT)) {
      return Double.parseDouble(scalar.text());
    }
    throw error(
        entry.keyPosition(),
        field(parentPath, entry.key()) + ": " + entry.value().describe() + " (expected: a number)");
  }

  private List<String> strings(Entry entry, String parentPath) {
    String path = field(parentPath, entry.key());
    Sequence sequence = sequence(entry, path);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      YamlNode item = sequence.items().get(i);
      out.add(scalarText(item, item.position(), index(path, i)));
    }
    return out;
  }

  /**
   * Runs a record constructor, turning its {@link InvalidValueException} into a positioned error.
   */
  private <T> T construct(YamlNode node, Position at, String path, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (InvalidValueException e) {
      throw error(YamlNode.locate(node, at, e.field()), join(path, e.field()) + ": " + e.problem());
    }
  }

  private Mapping mapping(
      YamlNode node, Position at, String path, List<String> known, List<String> required) {
    if (!(node instanceof Mapping mapping)) {
      throw error(
          at,
          prefix(path)
              + node.describe()
              + " (expected: a mapping with fields "
              + String.join(", ", known)
              + ")");
    }
    for (Entry entry : mapping.entries().values()) {
      if (!known.contains(entry.key())) {
        throw error(
            entry.keyPosition(),
            "unknown field '"
                + entry.key()
                + "' in "
                + describePath(path)
                + " (known: "
                + String.join(", ", known)
                + ")");
      }
    }
    for (String name : required) {
      if (!mapping.entries().containsKey(name)) {
        throw error(
            mapping.position(), "missing required field '" + name + "' in " + describePath(path));
      }
    }
    return mapping;
  }

  private Sequence sequence(Entry entry, String path) {
    if (!(entry.value() instanceof Sequence sequence)) {
      throw error(
          entry.keyPosition(), path + ": " + entry.value().describe() + " (expected: a list)");
    }
    return sequence;
  }

  private String string(Entry entry, String parentPath) {
    return scalarText(entry.value(), entry.keyPosition(), field(parentPath, entry.key()));
  }

  private String scalarText(YamlNode node, Position at, String path) {
    if (!(node instanceof Scalar scalar) || scalar.kind() == Scalar.Kind.NULL) {
      throw error(at, path + ": " + node.describe() + " (expected: a string)");
    }
    return scalar.text();
  }

  private int intValue(Entry entry, String parentPath, int defaultValue) {
    if (entry == null) {
      return defaultValue;
    }
    return integer(entry, parentPath, INT_MIN, INT_MAX, "a 32-bit integer").intValue();
  }

  private OptionalLong longValue(Entry entry, String parentPath) {
    if (entry == null) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(
        integer(entry, parentPath, LONG_MIN, LONG_MAX, "a 64-bit integer").longValue());
  }

  private BigInteger integer(
      Entry entry, String parentPath, BigInteger min, BigInteger max, String expected) {
    String path = field(parentPath, entry.key());
    if (!(entry.value() instanceof Scalar scalar) || scalar.kind() != Scalar.Kind.INTEGER) {
      throw error(
          entry.keyPosition(), path + ": " + entry.value().describe() + " (expected: an integer)");
    }
    BigInteger value = scalar.integer();
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw error(entry.keyPosition(), path + ": " + value + " (expected: " + expected + ")");
    }
    return value;
  }

  private ConfigException error(Position position, String message) {
    return new ConfigException(
        source + ":" + position.line() + ":" + position.column() + ": " + message);
  }

  /**
   * Appends a field name to a path: {@code distributions[0]} + {@code id} → {@code
   * distributions[0].id}.
   */
  static String field(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** Appends a list index to a path: {@code origins} + 1 → {@code origins[1]}. */
  static String index(String path, int index) {
    return path + "[" + index + "]";
  }

  /** Names a path in a sentence: the top level has an empty path. */
  static String describePath(String path) {
    return path.isEmpty() ? "the top level" : path;
  }

  private static String join(String path, String relative) {
    if (relative.isEmpty()) {
      return path;
    }
    return path.isEmpty() || relative.startsWith("[") ? path + relative : path + "." + relative;
  }

  private static String prefix(String path) {
    return path.isEmpty() ? "" : path + ": ";
  }
}
