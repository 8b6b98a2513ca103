package io.gatehouse.impl.transform;

import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.transform.Compression;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * A route's response compression, the outermost step of its chain (after CORS): every filter,
 * transformation and the response cache see uncompressed bodies, and whatever answers the request
 * (the upstream, a stored response, a filter, a problem) is compressed alike. The rules are in
 * {@link Compression}'s Javadoc.
 */
final class CompressionStage implements Stage {
  private final String routeId;
  private final Compression settings;

  CompressionStage(String routeId, Compression settings) {
    this.routeId = routeId;
    this.settings = settings;
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain next) {
    if (state.upgradeFields().isPresent()) {
      return next.proceed(exchange);
    }
    AcceptEncoding accept = AcceptEncoding.parse(exchange.request().headers().all("Accept-Encoding"));
    boolean head = exchange.request().method().equals("HEAD");
    return next.proceed(exchange).thenApply(r -> compress(r, accept, head));
  }

  Response compress(Response r, AcceptEncoding accept, boolean head) {
    int status = r.status();
    HttpHeaders headers = r.headers();
    if (status < 200 || status == 204 || status == 206 || status == 304
        || Gunzip.coding(Optional.of(String.join(",", headers.all("Content-Encoding")))).isPresent()
        || headers.contains("Content-Range") || !compressible(headers.first("Content-Type"))
        || noTransform(headers.all("Cache-Control"))) {
      return r;
    }
    HttpHeaders.Builder changed = headers.toBuilder();
    varyOnAcceptEncoding(headers, changed);
    OptionalLong length = r.body().contentLength();
    boolean small = length.isPresent() && length.getAsLong() < settings.minSize() && accept.identity();
    if (head || !accept.gzip() || small || r.body().isEmpty()) {
      return r.toBuilder().headers(changed.build()).build();
    }
    changed.remove("Content-Length").set("Content-Encoding", "gzip");
    headers.first("ETag").filter(tag -> !tag.startsWith("W/")).ifPresent(tag -> changed.set("ETag", "W/" + tag));
    return r.toBuilder().headers(changed.build())
        .body(Body.ofPublisher(new GzipBody(r.body(), settings.level()), -1)).build();
  }

  private boolean compressible(Optional<String> contentType) {
    if (contentType.isEmpty()) {
      return false;
    }
    String type = contentType.get();
    int semi = type.indexOf(';');
    type = (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    if (type.equals("text/event-stream")) {
      return false;
    }
    int slash = type.indexOf('/');
    if (slash <= 0) {
      return false;
    }
    for (String allowed : settings.contentTypes()) {
      if (allowed.equals(type)) {
        return true;
      }
      if (allowed.endsWith("/*") && type.startsWith(allowed.substring(0, allowed.length() - 1))) {
        return true;
      }
      int star = allowed.indexOf("/*+");
      if (star > 0) {
        String prefix = allowed.substring(0, star + 1);
        String suffix = allowed.substring(star + 2);
        if (type.startsWith(prefix) && type.endsWith(suffix) && type.length() > prefix.length() + suffix.length()) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean noTransform(List<String> cacheControl) {
    for (String value : cacheControl) {
      for (String directive : value.split(",")) {
        if (directive.trim().equalsIgnoreCase("no-transform")) {
          return true;
        }
      }
    }
    return false;
  }

  private static void varyOnAcceptEncoding(HttpHeaders headers, HttpHeaders.Builder changed) {
    for (String value : headers.all("Vary")) {
      for (String field : value.split(",")) {
        String f = field.trim();
        if (f.equals("*") || f.equalsIgnoreCase("Accept-Encoding")) {
          return;
        }
      }
    }
    changed.add("Vary", "Accept-Encoding");
  }

  @Override
  public String toString() {
    return "route '" + routeId + "' compression";
  }
}
