import { Address } from '@mailroom/core';
import { SUPPRESSION_REASONS, type Suppression, type SuppressionReason } from '@mailroom/lists';
import { requireOperator } from '../auth/scope.js';
import { readJson } from '../http/body.js';
import { ApiProblem } from '../http/problem.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import { type ApiContext, who } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { intParam } from './member-routes.js';

/** The longest `detail` the API takes (the store keeps 500 characters of one line). */
const MAX_DETAIL = 500;

/** A suppression as the API shows it. */
export function suppressionJson(entry: Suppression) {
  return {
    address: entry.address,
    reason: entry.reason,
    source: entry.source,
    ...(entry.detail !== undefined && { detail: entry.detail }),
    createdAt: entry.createdAt.toISOString(),
  };
}

/** A reason given in a query or a body. @throws {ApiProblem} 400 naming `field` for anything else. */
function reasonOf(value: unknown, field: string): SuppressionReason {
  if (typeof value !== 'string' || !(SUPPRESSION_REASONS as readonly string[]).includes(value)) {
    throw new ApiProblem(400, `${field} must be one of ${SUPPRESSION_REASONS.join(', ')}`, {
      errors: [{ field, message: `one of ${SUPPRESSION_REASONS.join(', ')}` }],
    });
  }
  return value as SuppressionReason;
}

/** The address of a body, as core's {@link Address} accepts it. @throws {ApiProblem} 400 naming `address`. */
function addressOf(value: unknown): string {
  const refuse = () =>
    new ApiProblem(400, 'address must be an email address', { errors: [{ field: 'address', message: 'an email address' }] });
  if (typeof value !== 'string') throw refuse();
  try {
    return new Address(value.trim()).address;
  } catch {
    throw refuse();
  }
}

/**
 * `/suppressions`: the store's one suppression list (global, for every list), for operators:
 * keyset pages with a reason filter, add (source `console`), remove.
 */
export function suppressionRoutes(context: ApiContext): void {
  const { router, host } = context;
  const { store } = host;

  router.add('GET', '/suppressions', async ({ response, principal, query }) => {
    requireOperator(who(principal));
    const limit = intParam(query, 'limit', 1, 500, 50);
    const after = query.get('after');
    const reason = query.get('reason');
    const page = await store.suppressions({
      limit,
      ...(after && { after: decodeCursor(after) }),
      ...(reason && { reason: reasonOf(reason, 'reason') }),
    });
    sendJson(response, 200, {
      items: page.suppressions.map(suppressionJson),
      ...(page.next !== undefined && { next: encodeCursor(page.next) }),
    });
  });

  router.add('POST', '/suppressions', async ({ request, response, principal }) => {
    const me = who(principal);
    requireOperator(me);
    const { address, reason, detail, ...rest } = await readJson(request);
    if (Object.keys(rest).length > 0)
      throw new ApiProblem(400, 'Unknown fields', { errors: Object.keys(rest).map((field) => ({ field, message: 'unknown' })) });
    const clean = addressOf(address);
    const why = reason === undefined ? 'manual' : reasonOf(reason, 'reason');
    if (detail !== undefined && (typeof detail !== 'string' || detail.length > MAX_DETAIL))
      throw new ApiProblem(400, `detail must be text of at most ${MAX_DETAIL} characters`, {
        errors: [{ field: 'detail', message: `at most ${MAX_DETAIL} characters` }],
      });
    const before = await store.getSuppression(clean);
    const kept = await store.suppress(clean, {
      reason: why,
      source: 'console',
      detail: typeof detail === 'string' && detail.trim() !== '' ? detail.trim() : `added by ${me.name}`,
    });
    host.logger.info({ address: kept.address, reason: kept.reason, by: me.name }, 'address suppressed in the console');
    // Suppressing again keeps the first entry (200 with it); a new one, or one that replaced an unsubscribe, is 201.
    const created = before === undefined || before.reason !== kept.reason;
    sendJson(response, created ? 201 : 200, suppressionJson(kept), {
      ...(created && { location: `/api/v1/suppressions/${encodeURIComponent(kept.address)}` }),
    });
  });

  router.add('DELETE', '/suppressions/{address}', async ({ response, principal, params }) => {
    const me = who(principal);
    requireOperator(me);
    const address = params.address as string;
    if (!(await store.unsuppress(address))) throw new ApiProblem(404, `${address} is not suppressed`);
    host.logger.info({ address, by: me.name }, 'address unsuppressed in the console');
    sendEmpty(response);
  });
}
