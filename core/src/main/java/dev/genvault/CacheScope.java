package dev.genvault;

/**
 * Who may share a cached result. Two tenants never share one; {@link #USER} is the default.
 *
 * @see PersistentGenerator.Builder#cacheScope(CacheScope)
 */
public enum CacheScope {
  /**
   * Requests of the same tenant (or both without a tenant) share results, whoever the user: an
   * identical request of another user is served a copy of the first user's answer. Choose it only
   * when answers to identical requests may be shared between your users.
   */
  TENANT,
  /** Only requests of the same tenant and the same user share results (the default). */
  USER
}
