import type { Feedback } from './feedback.js';

interface SesRecipient {
  emailAddress?: unknown;
  status?: unknown;
  diagnosticCode?: unknown;
}

interface SesNotification {
  notificationType?: unknown;
  eventType?: unknown;
  bounce?: { bounceType?: unknown; bounceSubType?: unknown; bouncedRecipients?: SesRecipient[] };
  complaint?: { complainedRecipients?: SesRecipient[]; complaintFeedbackType?: unknown };
  mail?: { source?: unknown };
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * What an SES notification (the `Message` of an SNS Notification: `notificationType`, or
 * `eventType` from a configuration set) says per recipient: a `Permanent` bounce is hard; a
 * `Transient` or `Undetermined` one, a delivery and anything else are only logged; a complaint
 * is a complaint.
 * @returns the feedback, or undefined when the message is not an SES notification at all.
 */
export function sesFeedback(notification: unknown): Feedback[] | undefined {
  if (typeof notification !== 'object' || notification === null) return undefined;
  const ses = notification as SesNotification;
  const type = text(ses.notificationType) ?? text(ses.eventType);
  if (type === undefined) return undefined;
  const envelopeSender = text(ses.mail?.source);
  const base = { source: 'ses', ...(envelopeSender && { envelopeSender }) };
  const each = (recipients: SesRecipient[] | undefined, make: (recipient: SesRecipient, address: string) => Feedback) =>
    (Array.isArray(recipients) ? recipients : []).flatMap((recipient) => {
      const address = text(recipient?.emailAddress);
      return address ? [make(recipient, address)] : [];
    });
  if (type === 'Bounce') {
    const bounceType = text(ses.bounce?.bounceType) ?? 'Undetermined';
    const subType = text(ses.bounce?.bounceSubType) ?? '';
    return each(ses.bounce?.bouncedRecipients, (recipient, address) => ({
      ...base,
      address,
      kind: bounceType === 'Permanent' ? 'hard-bounce' : 'ignore',
      detail: [`${bounceType}/${subType}`, text(recipient.status), text(recipient.diagnosticCode)].filter(Boolean).join(' ').slice(0, 300),
    }));
  }
  if (type === 'Complaint') {
    const feedbackType = text(ses.complaint?.complaintFeedbackType) ?? 'complaint';
    return each(ses.complaint?.complainedRecipients, (_recipient, address) => ({
      ...base,
      address,
      kind: 'complaint',
      detail: feedbackType,
    }));
  }
  return [];
}
