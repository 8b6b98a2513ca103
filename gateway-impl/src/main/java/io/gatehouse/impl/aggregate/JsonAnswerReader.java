package io.gatehouse.impl.aggregate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Reads a backend's answer body into a JSON tree as it streams, chunk by chunk, with Jackson's
 * non-blocking parser: the raw bytes are never held whole, and a body past the cap is cut off (its
 * subscription cancelled, so the upstream connection is dropped) without reading further. Hostile
 * answers fail with {@link BadAnswerException}: more than {@link #MAX_DEPTH} levels of nesting,
 * duplicate member names (which parsers disagree on), more than one value, bytes that are not
 * JSON. An empty body is JSON {@code null}. Asks for one chunk at a time.
 */
public final class JsonAnswerReader implements Flow.Subscriber<ByteBuffer> {
  /** The deepest nesting accepted: far more than any API answer, far less than a stack overflow. */
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private final long maxBytes;
  private final CompletableFuture<JsonNode> result = new CompletableFuture<>();
  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final Deque<ContainerNode<?>> open = new ArrayDeque<>();
  private String name; // the member name awaiting its value
  private JsonNode root;
  private long read;
  private Flow.Subscription subscription; // guarded by this

  /** @param maxBytes the most bytes read before the answer fails as too large */
  public JsonAnswerReader(long maxBytes) {
    this.maxBytes = maxBytes;
    try {
      this.parser = FACTORY.createNonBlockingByteArrayParser();
    } catch (IOException e) {
      throw new IllegalStateException("Jackson has no non-blocking parser", e);
    }
    this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
  }

  /** {@return the tree; fails with BadAnswerException, or CancellationException after {@link #cancel}} */
  public CompletableFuture<JsonNode> result() {
    return result;
  }

  /** Stops reading: the subscription is cancelled and the result fails with a CancellationException. */
  public void cancel() {
    Flow.Subscription s;
    synchronized (this) {
      s = subscription;
    }
    if (result.completeExceptionally(new CancellationException("the answer is no longer wanted")) && s != null) {
      s.cancel();
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    synchronized (this) {
      subscription = s;
    }
    if (result.isDone()) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(ByteBuffer item) {
    if (result.isDone()) {
      return;
    }
    read += item.remaining();
    if (read > maxBytes) {
      fail(new BadAnswerException("is larger than " + maxBytes + " bytes"));
      return;
    }
    byte[] chunk = new byte[item.remaining()];
    item.get(chunk);
    try {
      feeder.feedInput(chunk, 0, chunk.length);
      drain();
    } catch (BadAnswerException e) {
      fail(e);
      return;
    } catch (IOException | RuntimeException e) {
      fail(new BadAnswerException("is not valid JSON: " + firstLine(e.getMessage())));
      return;
    }
    Flow.Subscription s;
    synchronized (this) {
      s = subscription;
    }
    if (!result.isDone()) {
      s.request(1);
    }
  }

  @Override
  public void onError(Throwable failure) {
    result.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    if (result.isDone()) {
      return;
    }
    try {
      feeder.endOfInput();
      drain();
      if (!open.isEmpty()) {
        throw new BadAnswerException("is not valid JSON: it ends inside a value");
      }
      result.complete(root == null ? NODES.nullNode() : root);
    } catch (BadAnswerException e) {
      result.completeExceptionally(e);
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(new BadAnswerException("is not valid JSON: " + firstLine(e.getMessage())));
    }
  }

  private void fail(BadAnswerException e) {
    Flow.Subscription s;
    synchronized (this) {
      s = subscription;
    }
    if (result.completeExceptionally(e)) {
      s.cancel();
    }
  }

  /** Adds every token the parser has so far to the tree. */
  private void drain() throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
      switch (token) {
        case FIELD_NAME -> name = parser.currentName();
        case START_OBJECT -> open.push(add(NODES.objectNode()));
        case START_ARRAY -> open.push(add(NODES.arrayNode()));
        case END_OBJECT, END_ARRAY -> open.pop();
        case VALUE_STRING -> add(NODES.textNode(parser.getText()));
        case VALUE_NUMBER_INT -> add(switch (parser.getNumberType()) {
          case INT -> NODES.numberNode(parser.getIntValue());
          case LONG -> NODES.numberNode(parser.getLongValue());
          default -> NODES.numberNode(parser.getBigIntegerValue());
        });
        case VALUE_NUMBER_FLOAT -> add(NODES.numberNode(parser.getDecimalValue()));
        case VALUE_TRUE -> add(NODES.booleanNode(true));
        case VALUE_FALSE -> add(NODES.booleanNode(false));
        case VALUE_NULL -> add(NODES.nullNode());
        default -> throw new BadAnswerException("is not valid JSON: unexpected " + token);
      }
    }
  }

  private <T extends JsonNode> T add(T node) {
    ContainerNode<?> parent = open.peek();
    if (parent == null) {
      if (root != null) {
        throw new BadAnswerException("is not one JSON value: another follows the first");
      }
      root = node;
    } else if (parent instanceof ObjectNode object) {
      object.set(name, node);
    } else {
      ((ArrayNode) parent).add(node);
    }
    return node;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int end = message.indexOf('\n');
    String line = end < 0 ? message : message.substring(0, end);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
