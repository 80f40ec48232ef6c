import { listFor } from '../auth/scope.js';
import { sendJson } from '../http/respond.js';
import { type ApiContext, who } from './context.js';

/** `GET /lists/{list}/bounces`: every member with a bounce score and whether delivery is disabled (re-enable: PATCH the member). */
export function bounceRoutes(context: ApiContext): void {
  const { router, host } = context;
  router.add('GET', '/lists/{list}/bounces', async ({ response, principal, params }) => {
    const list = await listFor(host.store, who(principal), params.list as string, 'manage');
    const entries = await host.store.bounceRecords(list.address);
    const items = [];
    for (const { address, record } of entries) {
      const member = await host.store.getMember(list.address, address);
      items.push({
        address: member?.address ?? address,
        score: record.score,
        disabled: member ? !member.enabled : false,
        ...(member?.disabledReason !== undefined && { disabledReason: member.disabledReason }),
        lastBounceAt: record.lastBounceAt.toISOString(),
        warnings: record.warnings,
      });
    }
    sendJson(response, 200, { items });
  });
}
