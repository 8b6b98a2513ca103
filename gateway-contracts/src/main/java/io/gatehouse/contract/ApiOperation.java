package io.gatehouse.contract;

import io.gatehouse.validation.RequestValidator;
import java.util.List;

/**
 * One operation of an imported OpenAPI spec: what its route is made from, and the validator that
 * checks its requests. Immutable.
 *
 * <pre>{@code
 * ApiOperation get = api.operation("getPetById").orElseThrow();
 * get.method();       // GET
 * get.path();         // /pet/{petId}, as in the spec
 * get.routePath();    // /api/v3/pet/{petId}, with the base path, in the router's syntax
 * }</pre>
 *
 * @since 0.2
 */
public final class ApiOperation {
  private final String id;
  private final String method;
  private final String path;
  private final String routePath;
  private final String pointer;
  private final List<String> requestContentTypes;
  private final RequestValidator validator;

  ApiOperation(String id, String method, String path, String routePath, String pointer,
      List<String> requestContentTypes, RequestValidator validator) {
    this.id = id;
    this.method = method;
    this.path = path;
    this.routePath = routePath;
    this.pointer = pointer;
    this.requestContentTypes = List.copyOf(requestContentTypes);
    this.validator = validator;
  }

  /** {@return the {@code operationId}, which is also the route's id} */
  public String id() {
    return id;
  }

  /** {@return the HTTP method, upper case} */
  public String method() {
    return method;
  }

  /** {@return the path template as the spec writes it} */
  public String path() {
    return path;
  }

  /** {@return the route's path pattern: the base path and the template, {@code {name}} for a parameter whose name is a Java identifier, else {@code *}} */
  public String routePath() {
    return routePath;
  }

  /** {@return where the operation is in the spec, as a JSON Pointer fragment} */
  public String pointer() {
    return pointer;
  }

  /** {@return the media ranges the request body may have, in spec order; empty when it takes no body} */
  public List<String> requestContentTypes() {
    return requestContentTypes;
  }

  /** {@return the validator of the operation's requests} */
  public RequestValidator validator() {
    return validator;
  }

  @Override
  public String toString() {
    return "ApiOperation[" + id + " " + method + " " + path + "]";
  }
}
