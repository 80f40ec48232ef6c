import type { IncomingMessage } from 'node:http';
import { ApiProblem } from '../http/problem.js';
import type { Account, Role } from './accounts.js';
import { sameSecret, tokenHash } from './password.js';
import type { Session, Sessions } from './sessions.js';

/** Who is asking, and how they proved it. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
  /** Lower-cased list addresses of an owner or moderator. */
  readonly lists: readonly string[];
  readonly via: 'session' | 'token';
  readonly session?: Session;
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'mailroom_session';

/** The value of one cookie of a request. */
export function cookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The principal of an account. */
export function principalOf(account: Account, via: Principal['via'], session?: Session): Principal {
  return {
    name: account.name,
    role: account.role,
    lists: account.lists.map((list) => list.toLowerCase()),
    via,
    ...(session && { session }),
  };
}

/**
 * Finds who sent a request: `Authorization: Bearer <token>` (a script), else the session cookie.
 * A cookie session must send `X-CSRF-Token` on every request that is not GET or HEAD.
 * @throws {ApiProblem} 401 without a valid token or session, 403 for a missing or wrong CSRF token.
 */
export async function authenticate(request: IncomingMessage, accounts: () => Promise<Account[]>, sessions: Sessions): Promise<Principal> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new ApiProblem(401, 'Use Authorization: Bearer <token>', { headers: { 'www-authenticate': 'Bearer' } });
    const hash = tokenHash(match[1] as string);
    const account = (await accounts()).find((candidate) => (candidate.tokens ?? []).some((token) => sameSecret(token.hash, hash)));
    if (!account) throw new ApiProblem(401, 'This token is not valid', { headers: { 'www-authenticate': 'Bearer' } });
    return principalOf(account, 'token');
  }
  const session = sessions.get(cookie(request, SESSION_COOKIE));
  if (!session) throw new ApiProblem(401, 'Log in first');
  const account = (await accounts()).find((candidate) => candidate.name === session.user);
  if (!account) {
    sessions.delete(session.id);
    throw new ApiProblem(401, 'Log in first');
  }
  const method = request.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    const given = request.headers['x-csrf-token'];
    if (typeof given !== 'string' || !sameSecret(given, session.csrfToken)) {
      throw new ApiProblem(403, 'This change needs the X-CSRF-Token header of the session', { title: 'CSRF token missing or wrong' });
    }
  }
  return principalOf(account, 'session', session);
}
