/**
 * Runs a Gatehouse {@link io.gatehouse.Gateway} in a Jakarta Servlet 6 container (Jetty 12,
 * Tomcat 11, ...), beside the application's own servlets. Start at
 * {@link io.gatehouse.servlet.GatehouseServlet}: register it at a path mapping such as
 * {@code /gw/*}. {@link io.gatehouse.servlet.GatehouseFilter} puts the gateway in front of the
 * application instead, and passes what no route matches on to the application's servlets when
 * asked ({@link io.gatehouse.servlet.NoRoute#PASS_THROUGH}).
 *
 * <pre>{@code
 * GatehouseServlet gw = GatehouseServlet.of(gateway);
 * ServletRegistration.Dynamic reg = servletContext.addServlet("gatehouse", gw);
 * reg.setAsyncSupported(true);
 * reg.addMapping("/gw/*");
 * }</pre>
 *
 * <p>Both are fully non-blocking: async processing, a {@code ReadListener} that reads the request
 * body only as fast as the upstream takes it, a {@code WriteListener} that writes the response
 * body only as fast as the client reads it. The Servlet API is provided by the container; this
 * module does not bring one.
 *
 * <p>No method accepts or returns null, except where the Servlet API says so.
 *
 * @since 0.1
 */
package io.gatehouse.servlet;
