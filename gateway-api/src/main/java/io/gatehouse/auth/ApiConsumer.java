package io.gatehouse.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who calls the gateway: an id, groups, an optional usage plan, and credentials. API keys are held
 * only as SHA-256 hashes and passwords only as {@link PasswordHash}es, so a leaked consumer list
 * leaks no credential.
 *
 * <pre>{@code
 * ApiConsumer billing = ApiConsumer.builder("billing")
 *     .groups("internal")
 *     .plan("pro")
 *     .apiKey(System.getenv("BILLING_API_KEY"))       // hashed at once
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class ApiConsumer {
  private final String id;
  private final Set<String> groups;
  private final Optional<String> plan;
  private final List<String> apiKeyHashes;
  private final Optional<PasswordHash> password;

  private ApiConsumer(String id, Set<String> groups, Optional<String> plan, List<String> apiKeyHashes,
      Optional<PasswordHash> password) {
    Names.notBlank("id", id);
    if (id.indexOf(':') >= 0 || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("id: '" + id + "' (expected: visible ASCII without ':')");
    }
    groups = Set.copyOf(new LinkedHashSet<>(groups));
    Objects.requireNonNull(plan, "plan");
    apiKeyHashes = List.copyOf(apiKeyHashes);
    for (String h : apiKeyHashes) {
      if (h.length() != 64 || !h.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException("apiKeyHash: '" + h + "' (expected: 64 lowercase hex digits, as hashApiKey makes)");
      }
    }
    Objects.requireNonNull(password, "password");
    this.id = id;
    this.groups = groups;
    this.plan = plan;
    this.apiKeyHashes = apiKeyHashes;
    this.password = password;
  }

  /**
   * The consumer id: also the Basic-auth user name.
   *
   * @return the setting
   */
  public String id() {
    return id;
  }

  /**
   * The consumer's groups, which authorization treats as roles.
   *
   * @return the setting
   */
  public Set<String> groups() {
    return groups;
  }

  /**
   * The usage plan, if any.
   *
   * @return the setting
   */
  public Optional<String> plan() {
    return plan;
  }

  /**
   * The SHA-256 hashes of the consumer's API keys, in lowercase hex.
   *
   * @return the setting
   */
  public List<String> apiKeyHashes() {
    return apiKeyHashes;
  }

  /**
   * The hash of the consumer's Basic-auth password, if any.
   *
   * @return the setting
   */
  public Optional<PasswordHash> password() {
    return password;
  }

  /**
   * Whether another ApiConsumer has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof ApiConsumer o && id.equals(o.id)
        && groups.equals(o.groups)
        && plan.equals(o.plan)
        && apiKeyHashes.equals(o.apiKeyHashes)
        && password.equals(o.password);
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(id, groups, plan, apiKeyHashes, password);
  }

  /**
   * Starts a consumer.
   *
   * @param id visible ASCII without {@code :}
   * @return the builder
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /**
   * The hash an API key is stored and looked up by: SHA-256 of its UTF-8 bytes, lowercase hex.
   * API keys are long random strings, so a fast hash is enough; passwords are not, see
   * {@link PasswordHash}.
   *
   * @param apiKey the key
   * @return the hash
   */
  public static String hashApiKey(String apiKey) {
    Objects.requireNonNull(apiKey, "apiKey");
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** Prints the id, groups and plan, never a credential. */
  @Override
  public String toString() {
    return "ApiConsumer[" + id + ", groups " + groups + plan.map(p -> ", plan " + p).orElse("") + "]";
  }

  /**
   * Declares a consumer. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final String id;
    private final Set<String> groups = new LinkedHashSet<>();
    private String plan;
    private final List<String> apiKeyHashes = new ArrayList<>();
    private PasswordHash password;

    private Builder(String id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    /**
     * Adds groups.
     *
     * @param groups group names
     * @return this builder
     */
    public Builder groups(String... groups) {
      for (String g : groups) {
        this.groups.add(Names.notBlank("group", g));
      }
      return this;
    }

    /**
     * Sets the usage plan.
     *
     * @param plan the plan name
     * @return this builder
     */
    public Builder plan(String plan) {
      this.plan = Names.notBlank("plan", plan);
      return this;
    }

    /**
     * Adds an API key; only its hash is kept.
     *
     * @param apiKey at least 16 characters
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.length() < 16) {
        throw new IllegalArgumentException("apiKey: " + apiKey.length() + " characters (expected: at least 16)");
      }
      apiKeyHashes.add(hashApiKey(apiKey));
      return this;
    }

    /**
     * Adds an API key by its hash, as {@link #hashApiKey} makes it.
     *
     * @param sha256Hex 64 lowercase hex digits
     * @return this builder
     */
    public Builder apiKeyHash(String sha256Hex) {
      apiKeyHashes.add(Objects.requireNonNull(sha256Hex, "apiKeyHash"));
      return this;
    }

    /**
     * Sets the Basic-auth password; only its hash is kept. Slow on purpose (see {@link PasswordHash}).
     *
     * @param password the password
     * @return this builder
     */
    public Builder password(String password) {
      this.password = PasswordHash.of(password);
      return this;
    }

    /**
     * Sets the Basic-auth password by its hash.
     *
     * @param hash the hash
     * @return this builder
     */
    public Builder password(PasswordHash hash) {
      this.password = Objects.requireNonNull(hash, "password");
      return this;
    }

    /**
     * The consumer.
     *
     * @return the consumer
     */
    public ApiConsumer build() {
      return new ApiConsumer(id, groups, Optional.ofNullable(plan), apiKeyHashes, Optional.ofNullable(password));
    }
  }
}
