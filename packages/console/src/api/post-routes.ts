import { ledgerFor, type PostRecord } from '@mailroom/lists';
import { inScope, listFor, requireManager } from '../auth/scope.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblem } from '../http/problem.js';
import { sendJson } from '../http/respond.js';
import { type ApiContext, who } from './context.js';
import { postJson } from './serialize.js';

/** Posts of the ledger: the list (of one list or every list in scope), one post with its failures, pause and resume. */
export function postRoutes(context: ApiContext): void {
  const { router, host, subjectOf, live } = context;
  const ledger = () => ledgerFor(host.store);
  const shown = async (post: PostRecord) => live.apply(postJson(post, await subjectOf(post.id)));
  const find = async (principal: Principal, id: string): Promise<PostRecord> => {
    requireManager(principal);
    const post = await ledger().getPost(id);
    if (!post || !inScope(principal, post.list)) throw new ApiProblem(404, `No post ${JSON.stringify(id)}`);
    return post;
  };

  router.add('GET', '/posts', async ({ response, principal, query }) => {
    const me = who(principal);
    requireManager(me);
    const list = query.get('list');
    const address = list ? (await listFor(host.store, me, list, 'manage')).address : undefined;
    const posts = (await ledger().listPosts(address)).filter((post) => inScope(me, post.list)).slice(0, 200);
    sendJson(response, 200, { items: await Promise.all(posts.map(shown)) });
  });

  router.add('GET', '/posts/{id}', async ({ response, principal, params }) => {
    const post = await find(who(principal), params.id as string);
    const failures = await ledger().failures(post.id, 100);
    sendJson(response, 200, {
      ...(await shown(post)),
      failures: failures.map((failure) => ({ address: failure.address, error: failure.response })),
    });
  });

  router.add('POST', '/posts/{id}/pause', async ({ response, principal, params }) => {
    const me = who(principal);
    const post = await find(me, params.id as string);
    const paused = await host.posts.pause(post.id);
    if (!paused) throw new ApiProblem(409, `Post ${post.id} is ${post.state} and not running in this server`);
    host.logger.info({ post: post.id, list: post.list, by: me.name }, 'post paused in the console');
    sendJson(response, 200, await shown(paused));
  });

  router.add('POST', '/posts/{id}/resume', async ({ response, principal, params }) => {
    const me = who(principal);
    const post = await find(me, params.id as string);
    const resumed = await host.posts.resume(post.id);
    if (!resumed) throw new ApiProblem(409, `Post ${post.id} is ${host.posts.running(post.id) ? 'running' : post.state} already`);
    host.logger.info({ post: post.id, list: post.list, by: me.name }, 'post resumed in the console');
    sendJson(response, 200, await shown(resumed));
  });
}
