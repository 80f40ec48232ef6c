import { inScope, listFor, requireOperator } from '../auth/scope.js';
import { readJson } from '../http/body.js';
import { ApiProblem } from '../http/problem.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import { type ApiContext, who } from './context.js';
import { listJson } from './serialize.js';

/** `/lists` and `/lists/{list}`: every role sees its lists; owners change settings; operators create and delete. */
export function listRoutes(context: ApiContext): void {
  const { router, host } = context;
  const { store } = host;
  const withCount = async (list: Parameters<typeof listJson>[0]) => listJson(list, await store.countMembers(list.address));

  router.add('GET', '/lists', async ({ response, principal }) => {
    const me = who(principal);
    const lists = (await store.listLists()).filter((list) => inScope(me, list.address));
    sendJson(response, 200, { items: await Promise.all(lists.map(withCount)) });
  });

  router.add('POST', '/lists', async ({ request, response, principal }) => {
    requireOperator(who(principal));
    const body = await readJson(request);
    if (typeof body.address !== 'string')
      throw new ApiProblem(400, 'address is required', { errors: [{ field: 'list.address', message: 'an email address' }] });
    const list = await store.createList(body as { address: string });
    host.logger.info({ list: list.address, by: who(principal).name }, 'list created in the console');
    sendJson(response, 201, await withCount(list), { location: `/api/v1/lists/${encodeURIComponent(list.address)}` });
  });

  router.add('GET', '/lists/{list}', async ({ response, principal, params }) => {
    const list = await listFor(store, who(principal), params.list as string, 'view');
    sendJson(response, 200, await withCount(list));
  });

  router.add('PATCH', '/lists/{list}', async ({ request, response, principal, params }) => {
    const list = await listFor(store, who(principal), params.list as string, 'manage');
    const { address, ...changes } = await readJson(request);
    if (address !== undefined)
      throw new ApiProblem(400, 'A list address cannot change', { errors: [{ field: 'list.address', message: 'read-only' }] });
    if (Object.keys(changes).length === 0) throw new ApiProblem(400, 'Nothing to change');
    const updated = await store.updateList(list.address, changes);
    host.logger.info({ list: list.address, by: who(principal).name, keys: Object.keys(changes) }, 'list settings changed in the console');
    sendJson(response, 200, await withCount(updated));
  });

  router.add('DELETE', '/lists/{list}', async ({ response, principal, params }) => {
    const me = who(principal);
    const list = await listFor(store, me, params.list as string, 'view');
    requireOperator(me);
    await store.deleteList(list.address);
    host.logger.info({ list: list.address, by: me.name }, 'list deleted in the console');
    sendEmpty(response);
  });
}
