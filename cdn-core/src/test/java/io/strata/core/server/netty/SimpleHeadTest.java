package io.strata.core.server.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimpleHeadTest {
  private final SimpleHead head = new SimpleHead(100);

  private int read(String text) {
    ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    return head.read(buf, 0, buf.writerIndex());
  }

  @Test
  void wrkStyleGetIsSimple() {
    String request = "GET /obj/1k HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
    assertEquals(request.length(), read(request));
    assertFalse(head.isHead());
    assertEquals("/obj/1k", head.path());
    assertEquals("127.0.0.1", head.host());
    assertNull(head.acceptEncoding());
  }

  @Test
  void browserStyleHeadWithAllowedFieldsIsSimple() {
    String request =
        "HEAD /a/b-c_d~e.js HTTP/1.1\r\nhost: cdn.example.test\r\nUser-Agent: x/1 (y)\r\n"
            + "Accept: */*\r\nAccept-Language: en\r\nAccept-Encoding:  gzip, br \r\n"
            + "Connection: Keep-Alive\r\n\r\n";
    assertEquals(request.length(), read(request));
    assertTrue(head.isHead());
    assertEquals("cdn.example.test", head.host());
    assertEquals("gzip, br", head.acceptEncoding());
  }

  @Test
  void repeatedRequestReusesTheStringsOfTheLastOne() {
    String request = "GET /same HTTP/1.1\r\nHost: a.test\r\nAccept-Encoding: gzip\r\n\r\n";
    read(request);
    String path = head.path();
    String host = head.host();
    String coding = head.acceptEncoding();
    read(request);
    assertSame(path, head.path());
    assertSame(host, head.host());
    assertSame(coding, head.acceptEncoding());
  }

  @Test
  void onlyTheFirstOfPipelinedRequestsIsRead() {
    String first = "GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n";
    assertEquals(first.length(), read(first + "GET /2 HTTP/1.1\r\nHost: a.test\r\n\r\n"));
    assertEquals("/1", head.path());
  }

  @Test
  void anythingElseIsLeftToTheHttpServer() {
    String[] refused = {
      "GET /a?x=1 HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET /a%2e HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET /a;b HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET /a/./b HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET /a/.. HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET //a HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET /a\\b HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET http://a.test/a HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET /a HTTP/1.0\r\nHost: a.test\r\n\r\n",
      "POST /a HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0\r\n\r\n",
      "get /a HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "\r\nGET /a HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET /a HTTP/1.1\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: A.test\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test:70000\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test:\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: [::1]\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nCookie: a=b\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nRange: bytes=0-1\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nIf-None-Match: \"x\"\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nAuthorization: x\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nVia: 1.1 x\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nUpgrade: h2c\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nAccept-Encoding: gzip\r\nAccept-Encoding: br\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\nUser-Agent: caf\u00e9\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost : a.test\r\n\r\n",
      "GET /a HTTP/1.1\nHost: a.test\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\n",
      "GET /a HTTP/1.1\r\nHost: a.test\r\n\r",
      "GET /a HTTP/1.1\r\nHost: a.test\r\n Accept: x\r\n\r\n",
      "GET /" + "a".repeat(SimpleHead.MAX_HEAD_BYTES) + " HTTP/1.1\r\nHost: a.test\r\n\r\n",
    };
    for (String request : refused) {
      assertEquals(-1, read(request), request);
    }
  }

  @Test
  void tooManyFieldsForTheListenerAreLeftToTheHttpServer() {
    SimpleHead two = new SimpleHead(2);
    ByteBuf buf =
        Unpooled.copiedBuffer(
            "GET /a HTTP/1.1\r\nHost: a.test\r\nAccept: x\r\nUser-Agent: y\r\n\r\n",
            StandardCharsets.ISO_8859_1);
    assertEquals(-1, two.read(buf, 0, buf.writerIndex()));
  }
}
