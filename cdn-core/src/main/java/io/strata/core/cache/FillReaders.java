package io.strata.core.cache;

import java.util.IdentityHashMap;

/**
 * Where each reader of one {@link Fill} is, in constant time per reader whatever the crowd's size:
 * positions found by the reader's identity, kept in join order (the order readers are woken in),
 * and a count of the readers at the slowest position, so that the fill walks every reader only when
 * the last of those moves on. Not thread-safe: used under the fill's lock.
 */
final class FillReaders {
  /** One reader's place in the fill. */
  static final class Position {
    final Fill.Reader reader;
    long chunkIndex;
    boolean tookWhole;

    /** Neighbours in join order. */
    private Position previous;

    private Position next;

    private Position(Fill.Reader reader) {
      this.reader = reader;
    }
  }

  private final IdentityHashMap<Fill.Reader, Position> byReader = new IdentityHashMap<>(4);
  private Position oldest;
  private Position newest;
  private int atSlowest;

  /** Adds {@code reader} at the first chunk; a reader already here keeps its position. */
  void add(Fill.Reader reader) {
    Position p = new Position(reader);
    if (byReader.putIfAbsent(reader, p) != null) {
      return;
    }
    if (newest == null) {
      oldest = p;
    } else {
      newest.next = p;
      p.previous = newest;
    }
    newest = p;
  }

  Position get(Fill.Reader reader) {
    return byReader.get(reader);
  }

  /** Removes {@code reader}; its position, or null when it was not here. */
  Position remove(Fill.Reader reader) {
    Position p = byReader.remove(reader);
    if (p == null) {
      return null;
    }
    if (p.previous == null) {
      oldest = p.next;
    } else {
      p.previous.next = p.next;
    }
    if (p.next == null) {
      newest = p.previous;
    } else {
      p.next.previous = p.previous;
    }
    p.previous = null;
    p.next = null;
    return p;
  }

  boolean isEmpty() {
    return byReader.isEmpty();
  }

  /** The readers, the oldest first. */
  Fill.Reader[] inJoinOrder() {
    Fill.Reader[] readers = new Fill.Reader[byReader.size()];
    int i = 0;
    for (Position p = oldest; p != null; p = p.next) {
      readers[i++] = p.reader;
    }
    return readers;
  }

  /**
   * The lowest chunk index any reader is at, or {@code upTo} when every reader is past it (or there
   * is none), and from now on the count of readers there. Walks every reader.
   */
  long slowest(long upTo) {
    long slowest = upTo;
    int count = 0;
    for (Position p = oldest; p != null; p = p.next) {
      if (p.chunkIndex < slowest) {
        slowest = p.chunkIndex;
        count = 1;
      } else if (p.chunkIndex == slowest) {
        count++;
      }
    }
    atSlowest = count;
    return slowest;
  }

  /**
   * A reader at the slowest index (as {@link #slowest} last found it) moved on or left; true when
   * none is left there.
   */
  boolean leftSlowest() {
    atSlowest--;
    return atSlowest <= 0;
  }
}
