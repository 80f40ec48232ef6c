/** What a delivery status notification says about one recipient. */
export interface DsnFacts {
  /** Where the report is sent: the list's -bounces address. */
  to: string;
  finalRecipient: string;
}

/** An RFC 3464 delivery status notification (a hard 5.1.1 failure) as Postfix writes it. */
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
    '',
    `Final-Recipient: rfc822; ${facts.finalRecipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <user>: Recipient address rejected: User unknown',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
