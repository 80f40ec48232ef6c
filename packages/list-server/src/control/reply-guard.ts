import { addressesIn, fieldValues, type HeaderField } from '../mail/headers.js';

/**
 * Why a message must not be answered (RFC 3834 section 2), or undefined when it may be:
 * a null envelope sender, `Auto-Submitted` other than `no`, `Precedence: bulk`, `list` or
 * `junk`, or a sender that is itself a robot (`MAILER-DAEMON`, `owner-*`, `*-request`).
 * @param envelopeFrom - the SMTP envelope sender (`''` for the null sender), when known.
 */
export function noReplyReason(fields: readonly HeaderField[], envelopeFrom: string | undefined): string | undefined {
  const returnPath = fieldValues(fields, 'return-path')[0]?.trim();
  if (envelopeFrom === '' || returnPath === '<>') return 'a null envelope sender';
  const submitted = fieldValues(fields, 'auto-submitted')[0]?.trim().toLowerCase();
  if (submitted !== undefined && submitted.split(/[\s;(]/)[0] !== 'no') return `Auto-Submitted: ${submitted}`;
  const precedence = fieldValues(fields, 'precedence')[0]?.trim().toLowerCase();
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') return `Precedence: ${precedence}`;
  const sender = envelopeFrom ?? addressesIn(fieldValues(fields, 'from'))[0] ?? '';
  if (/^(mailer-daemon|postmaster|listserv|majordomo|owner-[^@]*|[^@]*-request)@/i.test(sender)) return `a robot sender (${sender})`;
  return undefined;
}

/** Counts replies per address per UTC day (kept in memory: a restart forgets the counts). */
export interface ReplyLimiter {
  /** True, and counted, when `address` may get another reply at `now`. */
  take(address: string, now: Date): boolean;
}

/** A {@link ReplyLimiter} of `perDay` replies per address (Mailman's `max_autoresponses_per_day` is 10). */
export function replyLimiter(perDay: number): ReplyLimiter {
  let day = -1;
  let counts = new Map<string, number>();
  return {
    take(address, now) {
      const today = Math.floor(now.getTime() / 86_400_000);
      if (today !== day) {
        day = today;
        counts = new Map();
      }
      const key = address.toLowerCase();
      const count = counts.get(key) ?? 0;
      if (count >= perDay) return false;
      counts.set(key, count + 1);
      return true;
    },
  };
}
