import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, runningServer } from './support/running-server.js';
import { waitFor } from '@mailroom/test-support';

const RED = 'red@lists.example.org';
const REQUEST = 'red-request@lists.example.org';
const CAROL = 'carol@example.com';
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const mail = (subject: string, id: string) =>
  `From: Carol <${CAROL}>\r\nTo: ${REQUEST}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.com>\r\n\r\n\r\n`;

describe('control mail through the SMTP intake', () => {
  it('a subscribe mail gets a confirmation mail; replying to it adds the address, and only it', async () => {
    running = await runningServer([{ address: RED, policy: 'open' }]);
    const { store, mock, send } = running;
    await send(CAROL, REQUEST, mail('subscribe', 'one'));
    const confirmation = await simpleParser(await (await waitFor(async () => mock.outbox[0])).toBuffer());
    expect(confirmation.to).toMatchObject({ value: [{ address: CAROL }] });
    expect(confirmation.inReplyTo).toBe('<one@example.com>');
    expect(confirmation.headers.get('auto-submitted')).toBe('auto-replied');
    expect(await store.getMember(RED, CAROL)).toBeUndefined();
    await send(CAROL, REQUEST, mail(`Re: ${confirmation.subject}`, 'two'));
    const member = await waitFor(() => store.getMember(RED, CAROL));
    expect(member).toMatchObject({ address: CAROL, name: 'Carol', enabled: true });
    expect(await store.countMembers(RED)).toBe(1);
    const done = await simpleParser(await (await waitFor(async () => mock.outbox[1])).toBuffer());
    expect(done.text).toContain(`${CAROL} is now a member of ${RED}`);
  });
});
