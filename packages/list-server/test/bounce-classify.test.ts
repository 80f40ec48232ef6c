import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyBounce } from '../src/bounces/classify.js';
import { parseDsn } from '../src/bounces/dsn.js';
import { dsnMail, vacationMail } from '@mailroom/test-support';

const TO = 'red-bounces+alice=example.com@lists.example.org';
const verdict = (mail: string) => classifyBounce(Buffer.from(mail, 'latin1'));

describe('RFC 3464 reports', () => {
  it('reads the recipient, action, status and diagnostic of a Postfix report', () => {
    expect(parseDsn(Buffer.from(dsnMail({ to: TO, finalRecipient: 'Alice@Example.com' })))).toEqual([
      {
        finalRecipient: 'alice@example.com',
        originalRecipient: 'alice@example.com',
        action: 'failed',
        status: '5.1.1',
        diagnostic: 'smtp; 550 5.1.1 <user>: Recipient address rejected: User unknown',
      },
    ]);
  });

  it('is not a report without a message/delivery-status part', () => {
    expect(parseDsn(Buffer.from(vacationMail('alice@example.com', TO)))).toBeUndefined();
  });

  it('never throws on any bytes, and reads back any action, status and recipient it is given', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => void parseDsn(Buffer.from(bytes))));
    fc.assert(
      fc.property(
        fc.constantFrom('failed', 'delayed', 'delivered', 'relayed', 'expanded'),
        fc.tuple(fc.constantFrom(2, 4, 5), fc.nat(99), fc.nat(999)),
        fc.stringMatching(/^[a-z0-9._-]{1,20}@[a-z0-9-]{1,20}\.[a-z]{2,6}$/),
        (action, [klass, subject, detail], address) => {
          const status = `${klass}.${subject}.${detail}`;
          const [read] = parseDsn(Buffer.from(dsnMail({ to: TO, finalRecipient: address, action, status }))) ?? [];
          expect(read).toMatchObject({ action, status, finalRecipient: address });
        },
      ),
    );
  });
});

describe('what is scored', () => {
  it('a permanent failure (failed, 5.x.x) is hard', () => {
    expect(verdict(dsnMail({ to: TO, finalRecipient: 'alice@example.com' }))).toMatchObject({
      kind: 'hard',
      recipients: ['alice@example.com'],
    });
  });

  it('a delay, or a failure with a 4.x.x status, is not scored', () => {
    expect(verdict(dsnMail({ to: TO, finalRecipient: 'a@example.com', action: 'delayed', status: '4.4.1' })).kind).toBe('delayed');
    expect(verdict(dsnMail({ to: TO, finalRecipient: 'a@example.com', action: 'failed', status: '4.2.2' })).kind).toBe('delayed');
  });

  it('a policy rejection (5.7.x, spam, DMARC) is not counted against the member', () => {
    const dmarc = '550 5.7.26 Unauthenticated email from example.net is not accepted due to its DMARC policy';
    expect(verdict(dsnMail({ to: TO, finalRecipient: 'a@example.com', status: '5.7.26', diagnostic: dmarc })).kind).toBe('policy');
    const spam = '554 5.6.0 Message rejected as spam';
    expect(verdict(dsnMail({ to: TO, finalRecipient: 'a@example.com', status: '5.6.0', diagnostic: spam })).kind).toBe('policy');
  });

  it('a vacation message or another auto-responder is not scored', () => {
    expect(verdict(vacationMail('alice@example.com', TO)).kind).toBe('auto-reply');
    const bare = `From: alice@example.com\r\nTo: ${TO}\r\nSubject: Automatic reply: Hello\r\n\r\nAway.\r\n`;
    expect(verdict(bare).kind).toBe('auto-reply');
    const vendor = `From: alice@example.com\r\nTo: ${TO}\r\nSubject: Re: Hello\r\nX-Autoreply: yes\r\n\r\nAway.\r\n`;
    expect(verdict(vendor).kind).toBe('auto-reply');
  });

  it('an old-style bounce from a mailer daemon counts by the status in its text', () => {
    const qmail = `From: MAILER-DAEMON@mx.example.com\r\nTo: ${TO}\r\nSubject: failure notice\r\n\r\n<alice@example.com>:\r\n550 5.1.1 mailbox unavailable\r\n`;
    expect(verdict(qmail).kind).toBe('hard');
    expect(verdict(qmail.replace('5.1.1', '4.2.1')).kind).toBe('delayed');
  });

  it('anything else is unrecognised (kept for the owner, not scored)', () => {
    expect(verdict(`From: bob@example.com\r\nTo: ${TO}\r\nSubject: hi\r\n\r\nHello?\r\n`).kind).toBe('unrecognised');
  });
});
