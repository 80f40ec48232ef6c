/**
 * Bounce mail as MTAs write it, for the bounce-processing tests: an RFC 3464
 * delivery status notification (Postfix's layout) and an RFC 3834 vacation reply.
 */
/** What a delivery status notification says about one recipient. */
export interface DsnFacts {
  /** Where the report is sent: a VERP bounce address, or the plain -bounces address. */
  to: string;
  finalRecipient: string;
  action?: string;
  status?: string;
  diagnostic?: string;
}

/** An RFC 3464 delivery status notification as Postfix writes it. */
export function dsnMail(facts: DsnFacts): string {
  const boundary = 'B0UND.1234/mx.example.com';
  return [
    'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)',
    `To: ${facts.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    `Message-ID: <${Math.random().toString(36).slice(2)}@mx.example.com>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I am sorry to have to inform you that your message could not be delivered.',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    'Arrival-Date: Sun, 1 Mar 2026 10:00:00 +0000',
    '',
    `Final-Recipient: rfc822; ${facts.finalRecipient}`,
    `Original-Recipient: rfc822;${facts.finalRecipient}`,
    `Action: ${facts.action ?? 'failed'}`,
    `Status: ${facts.status ?? '5.1.1'}`,
    'Remote-MTA: dns; mail.example.com',
    `Diagnostic-Code: smtp; ${facts.diagnostic ?? '550 5.1.1 <user>: Recipient address rejected: User unknown'}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: list@lists.example.org',
    'Subject: [Red] Hello',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** A vacation auto-reply (RFC 3834) from `from` to `to`. */
export function vacationMail(from: string, to: string): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    'Subject: Out of office: [Red] Hello',
    'Auto-Submitted: auto-replied',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.com>`,
    '',
    'I am away until Monday.',
    '',
  ].join('\r\n');
}
