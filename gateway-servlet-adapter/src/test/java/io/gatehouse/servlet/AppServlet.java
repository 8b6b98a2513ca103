package io.gatehouse.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** The application's own servlet beside the gateway: answers 200 naming the (decoded) path the container mapped. */
final class AppServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  final transient AtomicInteger calls = new AtomicInteger();

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
    calls.incrementAndGet();
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    byte[] body = ("from the app: " + path).getBytes(StandardCharsets.UTF_8);
    res.setStatus(200);
    res.setContentType("text/plain");
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
  }
}
