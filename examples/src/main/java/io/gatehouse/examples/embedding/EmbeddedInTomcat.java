package io.gatehouse.examples.embedding;

import io.gatehouse.Gateway;
import io.gatehouse.servlet.GatehouseServlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * Running a gateway under {@code /gw} inside a servlet application (here an embedded Tomcat 11;
 * any Servlet 6 container will do), beside the application's own servlet.
 */
public final class EmbeddedInTomcat {
  private EmbeddedInTomcat() {}

  /**
   * Builds the application's server: its own page at {@code /}, the gateway under {@code /gw}.
   *
   * @param gateway the gateway to mount
   * @param port the port, 0 for any free port
   * @param baseDir Tomcat's working directory
   * @return the server, not started
   */
  public static Tomcat application(Gateway gateway, int port, Path baseDir) {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    tomcat.setPort(port);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context context = tomcat.addContext("", baseDir.toString());
    context.addServletContainerInitializer((classes, servletContext) -> register(servletContext, gateway), null);
    return tomcat;
  }

  /**
   * Registers the servlets with the Servlet API alone, as a {@code ServletContainerInitializer} or
   * a {@code ServletContextListener} of any container would.
   *
   * @param servletContext the application's context
   * @param gateway the gateway to mount
   */
  // tag::servlet[]
  static void register(ServletContext servletContext, Gateway gateway) {
    ServletRegistration.Dynamic gw = servletContext.addServlet("gatehouse", GatehouseServlet.of(gateway));
    gw.setAsyncSupported(true);   // the gateway's servlet works asynchronously: no thread waits on an upstream
    gw.addMapping("/gw/*");       // /gw/orders/7 -> the gateway sees /orders/7, the upstream X-Forwarded-Prefix: /gw
    servletContext.addServlet("app", new AppServlet()).addMapping("/");
  }
  // end::servlet[]

  /** The application's own servlet. */
  static final class AppServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      response.setContentType("text/plain");
      response.getWriter().write("the application's own page");
    }
  }
}
