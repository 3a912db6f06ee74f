package io.strata.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a small MaxMind DB (format 2.0) so geo tests use a database they build themselves: an IPv6
 * search tree (IPv4 networks live under {@code ::/96}) with 24-bit records, a data section of maps
 * and strings, and the metadata section. Enough of the format for country databases; see the
 * MaxMind DB File Format Specification.
 */
public final class MmdbWriter {
  private static final int RECORD_BITS = 24;

  private final Node root = new Node();
  private final List<Map<String, Object>> records = new ArrayList<>();

  private static final class Node {
    Object[] children = new Object[2];
  }

  /** Maps a network such as {@code 192.0.2.0/24} or {@code 2001:db8::/32} to a country code. */
  public MmdbWriter country(String cidr, String isoCode) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("country", Map.of("iso_code", isoCode));
    int index = records.size();
    records.add(record);
    int slash = cidr.indexOf('/');
    byte[] address = java.net.InetAddress.getByName(cidr.substring(0, slash)).getAddress();
    int prefix = Integer.parseInt(cidr.substring(slash + 1));
    byte[] bits = new byte[16];
    if (address.length == 4) {
      System.arraycopy(address, 0, bits, 12, 4);
      prefix += 96;
    } else {
      bits = address;
    }
    Node node = root;
    for (int i = 0; i < prefix; i++) {
      int bit = (bits[i / 8] >> (7 - i % 8)) & 1;
      if (i == prefix - 1) {
        node.children[bit] = index;
      } else {
        if (!(node.children[bit] instanceof Node)) {
          node.children[bit] = new Node();
        }
        node = (Node) node.children[bit];
      }
    }
    return this;
  }

  public void write(Path file) throws IOException {
    List<Node> nodes = new ArrayList<>();
    Map<Node, Integer> ids = new HashMap<>();
    number(root, nodes, ids);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int[] offsets = new int[records.size()];
    for (int i = 0; i < records.size(); i++) {
      offsets[i] = data.size();
      encode(records.get(i), data);
    }
    int nodeCount = nodes.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Node node : nodes) {
      for (Object child : node.children) {
        long value;
        if (child instanceof Node n) {
          value = ids.get(n);
        } else if (child instanceof Integer record) {
          value = nodeCount + 16L + offsets[record];
        } else {
          value = nodeCount;
        }
        out.write((int) (value >> 16) & 0xff);
        out.write((int) (value >> 8) & 0xff);
        out.write((int) value & 0xff);
      }
    }
    out.write(new byte[16]);
    out.write(data.toByteArray());
    out.write(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
    out.write("MaxMind.com".getBytes(StandardCharsets.US_ASCII));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", new Unsigned(nodeCount, 6));
    metadata.put("record_size", new Unsigned(RECORD_BITS, 5));
    metadata.put("ip_version", new Unsigned(6, 5));
    metadata.put("database_type", "Strata-Test-Country");
    metadata.put("languages", List.of("en"));
    metadata.put("binary_format_major_version", new Unsigned(2, 5));
    metadata.put("binary_format_minor_version", new Unsigned(0, 5));
    metadata.put("build_epoch", new Unsigned(1_800_000_000L, 9));
    metadata.put("description", Map.of("en", "Strata test database"));
    encode(metadata, out);
    Files.write(file, out.toByteArray());
  }

  private static void number(Node node, List<Node> nodes, Map<Node, Integer> ids) {
    ids.put(node, nodes.size());
    nodes.add(node);
    for (Object child : node.children) {
      if (child instanceof Node n) {
        number(n, nodes, ids);
      }
    }
  }

  /** An unsigned integer of MaxMind type 5 (uint16), 6 (uint32) or 9 (uint64). */
  private record Unsigned(long value, int type) {}

  private static void encode(Object value, ByteArrayOutputStream out) throws IOException {
    if (value instanceof String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      control(2, bytes.length, out);
      out.write(bytes);
    } else if (value instanceof Unsigned number) {
      byte[] bytes = minimal(number.value());
      control(number.type(), bytes.length, out);
      out.write(bytes);
    } else if (value instanceof Map<?, ?> map) {
      control(7, map.size(), out);
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        encode(entry.getKey(), out);
        encode(entry.getValue(), out);
      }
    } else if (value instanceof List<?> list) {
      control(11, list.size(), out);
      for (Object item : list) {
        encode(item, out);
      }
    } else {
      throw new IllegalArgumentException("cannot encode " + value);
    }
  }

  private static byte[] minimal(long value) {
    int length = 0;
    for (long v = value; v != 0; v >>>= 8) {
      length++;
    }
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[length - 1 - i] = (byte) (value >>> (8 * i));
    }
    return bytes;
  }

  /** The control byte(s): type in the top 3 bits (extended types in a second byte), then size. */
  private static void control(int type, int size, ByteArrayOutputStream out) {
    int typeBits = type <= 7 ? type << 5 : 0;
    if (size < 29) {
      out.write(typeBits | size);
      extended(type, out);
    } else if (size < 285) {
      out.write(typeBits | 29);
      extended(type, out);
      out.write(size - 29);
    } else {
      out.write(typeBits | 30);
      extended(type, out);
      out.write((size - 285) >> 8);
      out.write((size - 285) & 0xff);
    }
  }

  private static void extended(int type, ByteArrayOutputStream out) {
    if (type > 7) {
      out.write(type - 7);
    }
  }
}
