import type { ListStore } from '@mailroom/lists';
import { requireOperator } from '../auth/scope.js';
import { readJson } from '../http/body.js';
import { ApiProblem } from '../http/problem.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import { type ApiContext, who } from './context.js';
import { intParam } from './member-routes.js';

/** A suppression entry as a store may return it. */
interface Entry {
  address: string;
  reason?: string;
  source?: string;
  createdAt?: Date | string | number;
}

/** The suppression methods the store gains on the deliverability branch; until then the routes answer 501. */
interface SuppressionStore {
  suppress(address: string, entry: { reason: string; source: string }): Promise<unknown>;
  unsuppress(address: string): Promise<unknown>;
  getSuppression(address: string): Promise<Entry | undefined>;
  suppressions(options?: { after?: string; limit?: number }): Promise<unknown>;
}

/** The store as a {@link SuppressionStore}, when it has every method. */
export function suppressionStore(store: ListStore): SuppressionStore | undefined {
  const candidate = store as unknown as Partial<SuppressionStore>;
  const names = ['suppress', 'unsuppress', 'getSuppression', 'suppressions'] as const;
  return names.every((name) => typeof candidate[name] === 'function') ? (candidate as SuppressionStore) : undefined;
}

const entryJson = (entry: Entry) => ({
  address: entry.address,
  reason: entry.reason ?? '',
  source: entry.source ?? '',
  createdAt: new Date(entry.createdAt ?? 0).toISOString(),
});

/** A page of entries from whatever shape `suppressions()` returns: an array, `{ items | entries, next }`, or an async iterable. */
async function pageOf(result: unknown, limit: number, after: string | undefined): Promise<{ items: Entry[]; next?: string }> {
  let items: Entry[];
  let next: string | undefined;
  if (Array.isArray(result)) items = result as Entry[];
  else if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
    items = [];
    for await (const item of result as AsyncIterable<Entry | Entry[]>) {
      items.push(...(Array.isArray(item) ? item : [item]));
      if (items.length > limit + (after ? 1 : 0)) break;
    }
  } else {
    const shaped = (result ?? {}) as { items?: Entry[]; entries?: Entry[]; next?: string; cursor?: string };
    items = shaped.items ?? shaped.entries ?? [];
    next = shaped.next ?? shaped.cursor;
  }
  // A store that ignores `after` and `limit`: page here, by address.
  const sorted = items.filter((item) => after === undefined || item.address.toLowerCase() > after).slice(0, limit + 1);
  if (next === undefined && sorted.length > limit) next = (sorted[limit - 1] as Entry).address.toLowerCase();
  return { items: sorted.slice(0, limit), ...(next !== undefined && { next }) };
}

/** `/suppressions`: the store's suppression list, for operators; 501 while the store lacks it. */
export function suppressionRoutes(context: ApiContext): void {
  const { router, host } = context;
  const need = (): SuppressionStore => {
    const store = suppressionStore(host.store);
    if (!store) throw new ApiProblem(501, `The ${host.store.kind} store has no suppression list in this version`);
    return store;
  };

  router.add('GET', '/suppressions', async ({ response, principal, query }) => {
    requireOperator(who(principal));
    const store = need();
    const limit = intParam(query, 'limit', 1, 500, 50);
    const after = query.get('after') ?? undefined;
    const page = await pageOf(await store.suppressions({ limit, ...(after && { after }) }), limit, after);
    sendJson(response, 200, { items: page.items.map(entryJson), ...(page.next !== undefined && { next: page.next }) });
  });

  router.add('POST', '/suppressions', async ({ request, response, principal }) => {
    const me = who(principal);
    requireOperator(me);
    const store = need();
    const { address, reason, ...rest } = await readJson(request);
    if (Object.keys(rest).length > 0)
      throw new ApiProblem(400, 'Unknown fields', { errors: Object.keys(rest).map((field) => ({ field, message: 'unknown' })) });
    if (typeof address !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(address)) {
      throw new ApiProblem(400, 'address must be an email address', { errors: [{ field: 'address', message: 'an email address' }] });
    }
    if (reason !== undefined && typeof reason !== 'string')
      throw new ApiProblem(400, 'reason must be text', { errors: [{ field: 'reason', message: 'a string' }] });
    await store.suppress(address, { reason: reason || `added by ${me.name}`, source: 'console' });
    const entry = (await store.getSuppression(address)) ?? { address, reason: reason ?? '', source: 'console', createdAt: new Date() };
    host.logger.info({ address, by: me.name }, 'address suppressed in the console');
    sendJson(response, 201, entryJson(entry));
  });

  router.add('DELETE', '/suppressions/{address}', async ({ response, principal, params }) => {
    const me = who(principal);
    requireOperator(me);
    const store = need();
    if (!(await store.getSuppression(params.address as string))) throw new ApiProblem(404, `${params.address} is not suppressed`);
    await store.unsuppress(params.address as string);
    host.logger.info({ address: params.address, by: me.name }, 'address unsuppressed in the console');
    sendEmpty(response);
  });
}
