import type { Feedback } from './feedback.js';

interface SendGridEvent {
  email?: unknown;
  event?: unknown;
  type?: unknown;
  reason?: unknown;
  status?: unknown;
  asm_group_id?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

/** What SendGrid's `dropped` reason says (it drops mail to its own suppression lists). */
function droppedKind(reason: string): Feedback['kind'] {
  if (/bounced|invalid/i.test(reason)) return 'hard-bounce';
  if (/spam/i.test(reason)) return 'complaint';
  if (/unsubscribe/i.test(reason)) return 'unsubscribe';
  return 'ignore';
}

/**
 * What SendGrid's events say per recipient: `bounce` of type `bounce` is hard, of type
 * `blocked` (a policy or reputation block, not the address) only logged; `dropped` as its reason
 * says (Bounced or Invalid Address, Spam Reporting Address, Unsubscribed Address); `spamreport`
 * is a complaint; `unsubscribe` and `group_unsubscribe` are unsubscribes; the rest is logged.
 * @returns undefined when the body is not an array of events.
 */
export function sendGridFeedback(events: unknown): Feedback[] | undefined {
  if (!Array.isArray(events)) return undefined;
  return events.flatMap((raw): Feedback[] => {
    const event = (typeof raw === 'object' && raw !== null ? raw : {}) as SendGridEvent;
    const address = text(event.email);
    const name = text(event.event);
    if (!address || !name) return [];
    const reason = text(event.reason) ?? '';
    const detail = [name, text(event.type), text(event.status), reason].filter(Boolean).join(' ').slice(0, 300);
    const feedback = (kind: Feedback['kind']): Feedback[] => [{ address, kind, source: 'sendgrid', detail }];
    switch (name) {
      case 'bounce':
        return feedback(text(event.type) === 'blocked' ? 'ignore' : 'hard-bounce');
      case 'dropped':
        return feedback(droppedKind(reason));
      case 'spamreport':
        return feedback('complaint');
      case 'unsubscribe':
        return feedback('unsubscribe');
      case 'group_unsubscribe':
        return [{ address, kind: 'unsubscribe', source: 'sendgrid', detail: `group_unsubscribe ${text(event.asm_group_id) ?? ''}`.trim() }];
      default:
        return [];
    }
  });
}
