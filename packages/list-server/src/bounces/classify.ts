import { addressesIn, fieldValues, readHeaders } from '../mail/headers.js';
import { mimeParts, partText } from '../mail/mime-parts.js';
import { type DsnRecipient, parseDsn } from './dsn.js';

/**
 * What a message to a `-bounces` address is:
 * - `hard`: a permanent failure (RFC 3464 `Action: failed` with a `5.x.x` status): scored;
 * - `delayed`: `delayed`, or a `4.x.x` status: a temporary failure, not scored;
 * - `policy`: refused for its content or the sender's reputation (`5.7.x`, spam, DMARC,
 *   a blocklist): the member's mailbox is fine, not scored;
 * - `auto-reply`: a vacation message or another auto-responder: not scored;
 * - `none`: a report that says the mail was delivered, relayed or expanded: not scored;
 * - `unrecognised`: none of these: kept for the owner, not scored.
 */
export type BounceKind = 'hard' | 'delayed' | 'policy' | 'auto-reply' | 'none' | 'unrecognised';

/** The verdict on one bounce message. */
export interface BounceVerdict {
  readonly kind: BounceKind;
  /** The addresses the report names (Final-Recipient, else Original-Recipient), lower-cased. */
  readonly recipients: readonly string[];
  /** The status code and diagnostic, or why it is not scored: for the log. */
  readonly reason: string;
}

// Words receivers use when they refuse the content or the sender, not the mailbox.
const POLICY =
  /\b(spam|dmarc|spf|dkim|blocked|block ?list|black ?list|rbl|spamhaus|reputation|policy|phish|virus|malware|content rejected)\b/i;
const VACATION = /^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|vacation|abwesenheit|absence|away from)/i;

function kindOf(recipient: DsnRecipient): BounceKind {
  const policy = recipient.status.startsWith('5.7.') || POLICY.test(recipient.diagnostic ?? '');
  if (recipient.action === 'failed' && recipient.status.startsWith('5.')) return policy ? 'policy' : 'hard';
  if (recipient.action === 'failed' || recipient.action === 'delayed') return 'delayed';
  return 'none';
}

const RANK: Record<BounceKind, number> = { hard: 5, policy: 4, delayed: 3, 'auto-reply': 2, none: 1, unrecognised: 0 };

/** True when the message says it was sent by an auto-responder (RFC 3834 and the usual vendor fields). */
export function isAutoReply(fields: ReturnType<typeof readHeaders>): boolean {
  const submitted = fieldValues(fields, 'auto-submitted')[0]?.trim().toLowerCase();
  if (submitted !== undefined && submitted !== 'no') return true;
  if (fieldValues(fields, 'x-autoreply').length > 0 || fieldValues(fields, 'x-autorespond').length > 0) return true;
  if (/^auto[_-]reply$/i.test(fieldValues(fields, 'precedence')[0]?.trim() ?? '')) return true;
  if (/\b(OOF|AutoReply)\b/i.test(fieldValues(fields, 'x-auto-response-suppress')[0] ?? '')) return true;
  return VACATION.test((fieldValues(fields, 'subject')[0] ?? '').replace(/^(re|aw|fwd?):\s*/i, ''));
}

/**
 * Classifies a message that came to a `-bounces` address: an RFC 3464 report by its worst
 * recipient, else an auto-reply, else an old-style bounce from a mailer daemon by the first
 * status code in its text, else `unrecognised`.
 */
export function classifyBounce(raw: Buffer): BounceVerdict {
  const report = parseDsn(raw);
  if (report !== undefined && report.length > 0) {
    let worst: DsnRecipient = report[0] as DsnRecipient;
    for (const recipient of report) if (RANK[kindOf(recipient)] > RANK[kindOf(worst)]) worst = recipient;
    const recipients = [
      ...new Set(report.map((recipient) => recipient.finalRecipient ?? recipient.originalRecipient).filter((a) => a !== undefined)),
    ];
    return {
      kind: kindOf(worst),
      recipients,
      reason: `${worst.action} ${worst.status}${worst.diagnostic ? ` (${worst.diagnostic})` : ''}`,
    };
  }
  const fields = readHeaders(raw);
  if (isAutoReply(fields)) return { kind: 'auto-reply', recipients: [], reason: 'an auto-reply (vacation or auto-responder)' };
  const from = addressesIn(fieldValues(fields, 'from'))[0] ?? '';
  if (/^(mailer-daemon|postmaster|mail-daemon|mailer)@/i.test(from)) {
    const text = mimeParts(raw)
      .parts.filter((part) => part.type.startsWith('text/'))
      .map(partText)
      .join('\n');
    const status = /\b([45])\.(\d{1,3})\.(\d{1,3})\b/.exec(text)?.[0];
    if (status?.startsWith('5.')) {
      const policy = status.startsWith('5.7.') || POLICY.test(text);
      return { kind: policy ? 'policy' : 'hard', recipients: [], reason: `a non-RFC 3464 bounce with ${status}` };
    }
    if (status) return { kind: 'delayed', recipients: [], reason: `a non-RFC 3464 bounce with ${status}` };
  }
  return { kind: 'unrecognised', recipients: [], reason: 'not a recognisable bounce' };
}
