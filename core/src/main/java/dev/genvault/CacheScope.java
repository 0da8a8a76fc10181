package dev.genvault;

/** Who may share a cached result. Two tenants never share one. */
public enum CacheScope {
  /** Requests of the same tenant (or both without a tenant) share results. */
  TENANT,
  /** Only requests of the same tenant and the same user share results. */
  USER
}
