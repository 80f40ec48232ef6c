import type { IncomingMessage } from 'node:http';
import { DUMMY_HASH, verifyPassword } from '../auth/password.js';
import { principalOf, SESSION_COOKIE } from '../auth/principal.js';
import { readJson } from '../http/body.js';
import { ApiProblem } from '../http/problem.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import { type ApiContext, who } from './context.js';
import { publicRoute } from './public-routes.js';

/** The client address a login is counted under. */
const clientOf = (request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown';

/** `POST|GET|DELETE /session`: log in (rate limited per IP and per user), who am I, log out. */
export function sessionRoutes(context: ApiContext): void {
  const { router, sessions, userLimiter, ipLimiter, accounts, host } = context;
  const secure = host.settings.http.tls !== undefined;
  const cookieFor = (value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;

  router.add(
    'POST',
    '/session',
    publicRoute(async ({ request, response }) => {
      const body = await readJson(request);
      const { username, password } = body;
      if (typeof username !== 'string' || username === '' || username.length > 200) {
        throw new ApiProblem(400, 'username is required', { errors: [{ field: 'username', message: 'a user name' }] });
      }
      if (typeof password !== 'string' || password === '' || password.length > 1000) {
        throw new ApiProblem(400, 'password is required', { errors: [{ field: 'password', message: 'a password' }] });
      }
      const ip = clientOf(request);
      const user = username.toLowerCase();
      const wait = Math.max(ipLimiter.retryAfter(ip), userLimiter.retryAfter(user));
      if (wait > 0)
        throw new ApiProblem(429, `Too many failed logins: try again in ${wait} s`, { headers: { 'retry-after': String(wait) } });
      const account = (await accounts()).find((candidate) => candidate.name === username);
      // An unknown user costs a password check too, so the time tells nothing.
      const valid = await verifyPassword(password, account?.password ?? DUMMY_HASH);
      if (!account || !valid) {
        ipLimiter.fail(ip);
        userLimiter.fail(user);
        host.logger.warn({ user: username, ip: clientOf(request) }, 'console login failed');
        throw new ApiProblem(401, 'Wrong user name or password');
      }
      userLimiter.reset(user);
      const session = sessions.create(account.name);
      host.logger.info({ user: account.name, role: account.role }, 'console login');
      const principal = principalOf(account, 'session', session);
      sendJson(
        response,
        200,
        { user: { name: principal.name, role: principal.role, lists: [...principal.lists] }, csrfToken: session.csrfToken },
        { 'set-cookie': cookieFor(session.id, host.settings.console.sessionIdleMinutes * 60) },
      );
    }),
  );

  router.add('GET', '/session', async ({ response, principal }) => {
    const me = who(principal);
    if (!me.session) throw new ApiProblem(401, 'A token has no session: log in with a password');
    sendJson(response, 200, { user: { name: me.name, role: me.role, lists: [...me.lists] }, csrfToken: me.session.csrfToken });
  });

  router.add('DELETE', '/session', async ({ response, principal }) => {
    const me = who(principal);
    if (me.session) sessions.delete(me.session.id);
    sendEmpty(response, { 'set-cookie': cookieFor('', 0) });
  });
}
