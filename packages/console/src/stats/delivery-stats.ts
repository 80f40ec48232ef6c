import type { DeliveryFailedError, DeliveryResult, Mailer, Message } from '@mailroom/core';

/** Delivery counts of this process, as `GET /stats` shows them. */
export interface StatsSnapshot {
  transports: { name: string; delivered: number; failed: number }[];
  domains: { domain: string; delivered: number; failed: number; throttled: number }[];
  series: { at: string; transport: string; delivered: number; failed: number }[];
}

/** Counts what the Mailer reports, per transport, per recipient domain and per minute. */
export interface DeliveryStats {
  snapshot(): StatsSnapshot;
  /** Stops listening to the Mailer. */
  stop(): void;
}

const MINUTE = 60_000;
/** A day of minutes: older points are dropped. */
const KEEP = 24 * 60;
/** The most domains kept (the rest are counted under `other`). */
const MAX_DOMAINS = 1000;

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase() || 'unknown';

/**
 * Listens to the Mailer's `delivered`, `failed` and `throttled` events: a message counts once
 * for its transport; each recipient counts for its domain (accepted as delivered, refused as failed).
 * @param fallbackTransport - the name a failure is counted under (a failure does not say its transport).
 */
export function deliveryStats(mailer: Mailer, fallbackTransport: string, now: () => number = Date.now): DeliveryStats {
  const transports = new Map<string, { delivered: number; failed: number }>();
  const domains = new Map<string, { delivered: number; failed: number; throttled: number }>();
  const series = new Map<string, { minute: number; transport: string; delivered: number; failed: number }>();
  const domain = (name: string) => {
    let entry = domains.get(name);
    if (!entry) {
      if (domains.size >= MAX_DOMAINS && name !== 'other') return domain('other');
      domains.set(name, (entry = { delivered: 0, failed: 0, throttled: 0 }));
    }
    return entry;
  };
  const count = (transport: string, delivered: number, failed: number) => {
    const total = transports.get(transport) ?? { delivered: 0, failed: 0 };
    total.delivered += delivered;
    total.failed += failed;
    transports.set(transport, total);
    const minute = Math.floor(now() / MINUTE);
    const key = `${minute}:${transport}`;
    const point = series.get(key) ?? { minute, transport, delivered: 0, failed: 0 };
    point.delivered += delivered;
    point.failed += failed;
    series.set(key, point);
    for (const [other, entry] of series) if (entry.minute <= minute - KEEP) series.delete(other);
  };
  const onDelivered = (result: DeliveryResult) => {
    count(result.transport, 1, 0);
    for (const address of result.accepted) domain(domainOf(address)).delivered += 1;
    for (const rejection of result.rejected) domain(domainOf(rejection.address)).failed += 1;
  };
  const onFailed = (error: DeliveryFailedError<Message>) => {
    count(fallbackTransport, 0, 1);
    let recipients: string[] = [];
    try {
      recipients = error.mail.recipients.items.map((item) => item.address);
    } catch {
      recipients = [];
    }
    for (const address of recipients) domain(domainOf(address)).failed += 1;
  };
  const onThrottled = (event: { domain: string }) => {
    domain(event.domain.toLowerCase()).throttled += 1;
  };
  mailer.on('delivered', onDelivered);
  mailer.on('failed', onFailed);
  mailer.on('throttled', onThrottled);
  return {
    snapshot: () => ({
      transports: [...transports].map(([name, entry]) => ({ name, ...entry })),
      domains: [...domains]
        .map(([name, entry]) => ({ domain: name, ...entry }))
        .sort((a, b) => b.delivered + b.failed - (a.delivered + a.failed))
        .slice(0, 100),
      series: [...series.values()]
        .sort((a, b) => a.minute - b.minute || (a.transport < b.transport ? -1 : 1))
        .map((point) => ({
          at: new Date(point.minute * MINUTE).toISOString(),
          transport: point.transport,
          delivered: point.delivered,
          failed: point.failed,
        })),
    }),
    stop() {
      mailer.off('delivered', onDelivered);
      mailer.off('failed', onFailed);
      mailer.off('throttled', onThrottled);
    },
  };
}
