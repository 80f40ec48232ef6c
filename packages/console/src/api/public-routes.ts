import type { Principal } from '../auth/principal.js';
import type { RouteHandler } from '../http/router.js';

const PUBLIC = new WeakSet<RouteHandler<Principal | undefined>>();

/** Marks a route that needs no login (logging in itself, the OpenAPI document). */
export function publicRoute(handler: RouteHandler<Principal | undefined>): RouteHandler<Principal | undefined> {
  PUBLIC.add(handler);
  return handler;
}

/** True for a route marked with {@link publicRoute}. */
export function isPublic(handler: RouteHandler<Principal | undefined>): boolean {
  return PUBLIC.has(handler);
}
