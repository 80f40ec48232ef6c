import { type HeldPost, mimeParts, partText, readHeaders } from '@mailroom/list-server';
import { inScope, listFor } from '../auth/scope.js';
import type { Principal } from '../auth/principal.js';
import { readJson } from '../http/body.js';
import { ApiProblem } from '../http/problem.js';
import { SECURITY_HEADERS, sendJson } from '../http/respond.js';
import { type ApiContext, who } from './context.js';
import { decodeHeader } from './decode-header.js';
import { heldJson } from './serialize.js';

/** A held post's HTML is shown in a frame that may run nothing and reach nothing (CSP sandbox without allow-scripts). */
const HTML_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** The readable parts of a held post: its first text/plain part, else its HTML source as text, and its HTML part. */
function partsOf(raw: Buffer): { text: string; html?: string } {
  const { parts } = mimeParts(raw);
  const plain = parts.find((part) => part.type === 'text/plain');
  const html = parts.find((part) => part.type === 'text/html');
  const htmlText = html && partText(html);
  return { text: plain ? partText(plain) : (htmlText ?? ''), ...(htmlText !== undefined && { html: htmlText }) };
}

/** Held posts: the queue per list or across the principal's lists, one post, its HTML (sandboxed), approve, reject, discard. */
export function heldRoutes(context: ApiContext): void {
  const { router, host } = context;
  const { moderation } = host;
  const shown = (held: HeldPost) => ({ ...heldJson(held), subject: decodeHeader(held.subject) });
  const find = async (principal: Principal, id: string): Promise<HeldPost> => {
    const held = (await moderation.list()).find((post) => post.id === id);
    if (!held || !inScope(principal, held.list)) throw new ApiProblem(404, 'No such held post: decided already, or never held');
    return held;
  };

  router.add('GET', '/held', async ({ response, principal }) => {
    const me = who(principal);
    sendJson(response, 200, { items: (await moderation.list()).filter((held) => inScope(me, held.list)).map(shown) });
  });

  router.add('GET', '/lists/{list}/held', async ({ response, principal, params }) => {
    const list = await listFor(host.store, who(principal), params.list as string, 'moderate');
    sendJson(response, 200, { items: (await moderation.list(list.address)).map(shown) });
  });

  router.add('GET', '/held/{id}', async ({ response, principal, params }) => {
    const held = await find(who(principal), params.id as string);
    const { text, html } = partsOf(held.raw);
    sendJson(response, 200, {
      ...shown(held),
      headers: readHeaders(held.raw).map((field) => [field.name, decodeHeader(field.value)]),
      text,
      hasHtml: html !== undefined,
    });
  });

  router.add('GET', '/held/{id}/html', async ({ response, principal, params }) => {
    const held = await find(who(principal), params.id as string);
    const { html } = partsOf(held.raw);
    if (html === undefined) throw new ApiProblem(404, 'This post has no HTML part');
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-security-policy': HTML_CSP,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': String(Buffer.byteLength(html)),
    });
    response.end(html);
  });

  const decide = (action: 'approve' | 'reject' | 'discard', past: string) =>
    router.add('POST', `/held/{id}/${action}`, async ({ request, response, principal, params }) => {
      const me = who(principal);
      const held = await find(me, params.id as string);
      const by = `${me.name} (console)`;
      if (action === 'reject') {
        const { reason } = await readJson(request);
        if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 2000) {
          throw new ApiProblem(400, 'A rejection needs a reason', { errors: [{ field: 'reason', message: '1 to 2000 characters' }] });
        }
        await moderation.reject(held.id, reason.trim(), by);
      } else if (action === 'approve') await moderation.approve(held.id, by);
      else await moderation.discard(held.id, by);
      sendJson(response, 200, { id: held.id, action: past });
    });
  decide('approve', 'approved');
  decide('reject', 'rejected');
  decide('discard', 'discarded');
}
