package io.strata.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LambdaFunctionAssociationTest {
  static String config(String associations) {
    return String.join(
        "\n",
        "distributions:",
        "  - id: site",
        "    aliases: [localhost]",
        "    origins: [{ id: web, url: 'http://127.0.0.1:8000' }]",
        "    defaultBehavior:",
        "      origin: web",
        "      lambdaFunctionAssociations:",
        associations,
        "");
  }

  @Test
  void arnAndNameWithQualifierNameTheSameFunction() {
    var arn =
        LambdaFunctionAssociation.of(
            "origin-request", "arn:aws:lambda:us-east-1:123456789012:function:router:3", false);
    assertEquals("router", arn.functionName());
    assertEquals("3", arn.qualifier());
    var alias = LambdaFunctionAssociation.of("origin-response", "router:live", true);
    assertEquals("router:live", alias.target());
    assertTrue(alias.includeBody());
    assertNull(LambdaFunctionAssociation.of("origin-request", "router", false).qualifier());
  }

  @Test
  void behaviorCarriesItsAssociationsFromTheConfigFile() {
    StrataConfig c =
        ConfigLoader.parse(
            config(
                "        - { eventType: origin-request, lambdaFunctionArn: 'router:2' }\n"
                    + "        - { eventType: origin-response, lambdaFunctionArn: stamp }"),
            "t.yaml");
    Behavior b = c.distributions().get(0).defaultBehavior();
    assertEquals(
        "router", b.function(LambdaFunctionAssociation.EventType.ORIGIN_REQUEST).functionName());
    assertEquals(
        "stamp", b.function(LambdaFunctionAssociation.EventType.ORIGIN_RESPONSE).functionName());
  }

  @Test
  void viewerEventsAreRefusedWithAClearMessage() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    config("        - { eventType: viewer-request, lambdaFunctionArn: router }"),
                    "t.yaml"));
    assertTrue(e.getMessage().contains("viewer events are not supported"), e.getMessage());
    assertTrue(e.getMessage().startsWith("t.yaml:8:"), e.getMessage());
  }

  @Test
  void twoFunctionsForOneEventAreRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    config(
                        "        - { eventType: origin-request, lambdaFunctionArn: a }\n"
                            + "        - { eventType: origin-request, lambdaFunctionArn: b }"),
                    "t.yaml"));
    assertTrue(
        e.getMessage().contains("lambdaFunctionAssociations[1].eventType: origin-request"),
        e.getMessage());
  }

  @Test
  void malformedArnIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    config(
                        "        - { eventType: origin-request, lambdaFunctionArn: 'arn:aws:s3:::b'"
                            + " }"),
                    "t.yaml"));
    assertTrue(e.getMessage().contains("expected: arn:aws:lambda:"), e.getMessage());
  }
}
