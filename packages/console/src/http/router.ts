import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiProblem } from './problem.js';

/** What a route handler gets. */
export interface RouteContext<Principal> {
  request: IncomingMessage;
  response: ServerResponse;
  /** Path parameters, percent-decoded (`{list}` of `/lists/{list}`). */
  params: Record<string, string>;
  query: URLSearchParams;
  principal: Principal;
}

/** A route handler. */
export type RouteHandler<Principal> = (context: RouteContext<Principal>) => Promise<void>;

interface Route<Principal> {
  method: string;
  segments: string[];
  handler: RouteHandler<Principal>;
}

/** A route table for `/api/v1`: `{name}` segments are parameters. No framework. */
export interface Router<Principal> {
  /** Adds a route, e.g. `add('GET', '/lists/{list}/members', handler)`. */
  add(method: string, pattern: string, handler: RouteHandler<Principal>): void;
  /**
   * Finds the handler of a path (below `/api/v1`).
   * @throws {ApiProblem} 404 for an unknown path, 405 (with Allow) for a known path and another method, 400 for bad percent-encoding.
   */
  match(method: string, path: string): { handler: RouteHandler<Principal>; params: Record<string, string> };
}

/** Creates an empty {@link Router}. */
export function createRouter<Principal>(): Router<Principal> {
  const routes: Route<Principal>[] = [];
  const split = (path: string) => path.split('/').filter((segment, index) => index > 0 || segment !== '');
  return {
    add(method, pattern, handler) {
      routes.push({ method, segments: split(pattern), handler });
    },
    match(method, path) {
      const given = split(path);
      const allowed: string[] = [];
      for (const route of routes) {
        if (route.segments.length !== given.length) continue;
        const params: Record<string, string> = {};
        let matches = true;
        for (const [index, segment] of route.segments.entries()) {
          const actual = given[index] as string;
          if (segment.startsWith('{') && segment.endsWith('}')) {
            try {
              params[segment.slice(1, -1)] = decodeURIComponent(actual);
            } catch {
              throw new ApiProblem(400, 'A path segment is not valid percent-encoding');
            }
            if (params[segment.slice(1, -1)] === '') matches = false;
          } else if (segment !== actual) matches = false;
          if (!matches) break;
        }
        if (!matches) continue;
        if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { handler: route.handler, params };
        allowed.push(route.method);
      }
      if (allowed.length > 0) throw new ApiProblem(405, `Use ${allowed.join(', ')} here`, { headers: { allow: allowed.join(', ') } });
      throw new ApiProblem(404, `No such endpoint: ${path}`);
    },
  };
}
