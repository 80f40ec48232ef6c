import { listFor } from '../auth/scope.js';
import { sendJson } from '../http/respond.js';
import { isBounceScoreSuppression } from './bounce-suppression.js';
import { type ApiContext, who } from './context.js';

/**
 * `GET /lists/{list}/bounces`: every member with a bounce score, whether delivery is disabled, and
 * the address's suppression if any (re-enable: PATCH the member, which also lifts a `bounce-score` one).
 */
export function bounceRoutes(context: ApiContext): void {
  const { router, host } = context;
  router.add('GET', '/lists/{list}/bounces', async ({ response, principal, params }) => {
    const list = await listFor(host.store, who(principal), params.list as string, 'manage');
    const entries = await host.store.bounceRecords(list.address);
    const suppressed = await host.store.suppressedAmong(entries.map((entry) => entry.address));
    const items = [];
    for (const { address, record } of entries) {
      const member = await host.store.getMember(list.address, address);
      // Keyed by the lower-cased address, as the store keys suppressions.
      const suppression = suppressed.get(address.trim().toLowerCase());
      items.push({
        address: member?.address ?? address,
        score: record.score,
        disabled: member ? !member.enabled : false,
        ...(member?.disabledReason !== undefined && { disabledReason: member.disabledReason }),
        lastBounceAt: record.lastBounceAt.toISOString(),
        warnings: record.warnings,
        ...(suppression && {
          suppression: { reason: suppression.reason, source: suppression.source, liftedByReEnable: isBounceScoreSuppression(suppression) },
        }),
      });
    }
    sendJson(response, 200, { items });
  });
}
