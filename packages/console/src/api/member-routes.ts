import { exportCsv } from '@mailroom/lists';
import { listFor } from '../auth/scope.js';
import { readJson } from '../http/body.js';
import { ApiProblem } from '../http/problem.js';
import { SECURITY_HEADERS, sendEmpty, sendJson } from '../http/respond.js';
import { type ApiContext, who } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { memberJson } from './serialize.js';
import { liftBounceSuppression } from './bounce-suppression.js';

/** An integer query parameter in a range. @throws {ApiProblem} 400 naming it. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const given = query.get(name);
  if (given === null || given === '') return fallback;
  const value = Number(given);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ApiProblem(400, `${name} must be an integer from ${min} to ${max}`, {
      errors: [{ field: name, message: `${min} to ${max}` }],
    });
  }
  return value;
}

/** Members of a list: search, add, change, remove, and the CSV export. Owners and operators. */
export function memberRoutes(context: ApiContext): void {
  const { router, host } = context;
  const { store } = host;

  router.add('GET', '/lists/{list}/members', async ({ response, principal, params, query }) => {
    const list = await listFor(store, who(principal), params.list as string, 'manage');
    const q = (query.get('q') ?? '').trim();
    if (q.length > 200)
      throw new ApiProblem(400, 'q is longer than 200 characters', { errors: [{ field: 'q', message: 'at most 200 characters' }] });
    const limit = intParam(query, 'limit', 1, 500, 50);
    const after = query.get('after');
    const page = await store.searchMembers(list.address, { query: q, limit, ...(after && { after: decodeCursor(after) }) });
    sendJson(response, 200, {
      items: page.members.map(memberJson),
      ...(page.next !== undefined && { next: encodeCursor(page.next) }),
      ...(!after && q === '' && { total: await store.countMembers(list.address) }),
    });
  });

  router.add('POST', '/lists/{list}/members', async ({ request, response, principal, params }) => {
    const list = await listFor(store, who(principal), params.list as string, 'manage');
    const body = await readJson(request);
    for (const key of Object.keys(body)) {
      if (!['address', 'name', 'fields'].includes(key))
        throw new ApiProblem(400, `Unknown field ${key}`, { errors: [{ field: `member.${key}`, message: 'unknown' }] });
    }
    if (typeof body.address !== 'string')
      throw new ApiProblem(400, 'address is required', { errors: [{ field: 'member.address', message: 'an email address' }] });
    const result = await store.addMembers(list.address, [body as { address: string }]);
    if (result.added === 0) throw new ApiProblem(409, `${body.address} is a member already`);
    const member = await store.getMember(list.address, body.address);
    host.logger.info({ list: list.address, member: body.address, by: who(principal).name }, 'member added in the console');
    sendJson(response, 201, memberJson(member as NonNullable<typeof member>), {
      location: `/api/v1/lists/${encodeURIComponent(list.address)}/members/${encodeURIComponent(body.address)}`,
    });
  });

  router.add('GET', '/lists/{list}/members/{address}', async ({ response, principal, params }) => {
    const list = await listFor(store, who(principal), params.list as string, 'manage');
    const member = await store.getMember(list.address, params.address as string);
    if (!member) throw new ApiProblem(404, `${params.address} is not a member of ${list.address}`);
    sendJson(response, 200, memberJson(member));
  });

  router.add('PATCH', '/lists/{list}/members/{address}', async ({ request, response, principal, params }) => {
    const list = await listFor(store, who(principal), params.list as string, 'manage');
    const body = await readJson(request);
    const changes: { enabled?: boolean; name?: string | null; disabledReason?: string } = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === 'enabled' && typeof value === 'boolean') changes.enabled = value;
      else if (key === 'name' && (typeof value === 'string' || value === null)) changes.name = value === '' ? null : value;
      else if (key === 'disabledReason' && typeof value === 'string') changes.disabledReason = value;
      else
        throw new ApiProblem(400, `${key} cannot be set this way`, {
          errors: [{ field: `member.${key}`, message: 'enabled (boolean), name or disabledReason' }],
        });
    }
    if (Object.keys(changes).length === 0) throw new ApiProblem(400, 'Nothing to change');
    if (changes.enabled === false && changes.disabledReason === undefined) changes.disabledReason = `disabled by ${who(principal).name}`;
    const before = changes.enabled === true ? await store.getMember(list.address, params.address as string) : undefined;
    const member = await store.updateMember(list.address, params.address as string, changes);
    // Enabled again by hand: the bounce score starts over, as Mailman's re-enable does.
    if (changes.enabled === true) await store.setBounceRecord(list.address, member.address, null);
    // A re-enabled member would still get nothing while the bounce scoring's suppression stands: it goes too.
    const lifted = before?.enabled === false && (await liftBounceSuppression(store, member.address));
    host.logger.info(
      { list: list.address, member: member.address, by: who(principal).name, ...changes, ...(lifted && { unsuppressed: 'hard-bounce' }) },
      'member changed in the console',
    );
    sendJson(response, 200, memberJson(member));
  });

  router.add('DELETE', '/lists/{list}/members/{address}', async ({ response, principal, params }) => {
    const list = await listFor(store, who(principal), params.list as string, 'manage');
    const removed = await store.removeMembers(list.address, [params.address as string]);
    if (removed === 0) throw new ApiProblem(404, `${params.address} is not a member of ${list.address}`);
    host.logger.info({ list: list.address, member: params.address, by: who(principal).name }, 'member removed in the console');
    sendEmpty(response);
  });

  router.add('GET', '/lists/{list}/members.csv', async ({ response, principal, params }) => {
    const list = await listFor(store, who(principal), params.list as string, 'manage');
    const filename = `${list.address.replace(/[^A-Za-z0-9._-]/g, '_')}-members.csv`;
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    });
    for await (const chunk of exportCsv(store, list.address)) {
      if (response.destroyed) return;
      if (!response.write(chunk)) await new Promise<void>((resolve) => response.once('drain', resolve).once('close', resolve));
    }
    response.end();
  });
}
