import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { post } from './support/fixtures.js';
import { type RunningServer, runningServer } from './support/running-server.js';
import { waitFor } from '@mailroom/test-support';

const MOD = 'mod@lists.example.org';
const RED = 'red@lists.example.org';
const MODERATOR = 'moderator@example.org';
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const recipientsOf = (running: RunningServer) => running.mock.outbox.map((message) => message.smtpEnvelope.to.join(',')).sort();

describe('moderation through the SMTP intake', () => {
  it('a non-member post to a moderated list is held (250), the moderators get a notice with a token, and a reply approving it distributes it', async () => {
    running = await runningServer([{ address: MOD, policy: 'moderated', moderators: [MODERATOR] }]);
    await running.store.addMembers(MOD, [{ address: 'a@example.com' }, { address: 'b@example.net' }]);
    const sent = (await running.send('stranger@example.net', MOD, post('stranger@example.net', MOD, 'Please post this'))) as {
      response: string;
    };
    expect(sent.response).toMatch(/^250 /);
    const notice = await simpleParser(await (await waitFor(async () => running?.mock.outbox[0])).toBuffer());
    expect(notice.to).toMatchObject({ value: [{ address: MODERATOR }] });
    expect(notice.replyTo).toMatchObject({ value: [{ address: 'mod-request@lists.example.org' }] });
    const token = /^approve (\S+)$/m.exec(notice.text ?? '')?.[1] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const moderation = await running.server.moderation();
    expect((await moderation.list(MOD)).map((held) => held.subject)).toEqual(['Please post this']);
    expect(recipientsOf(running)).toEqual([MODERATOR]); // nothing distributed yet

    // The moderator replies, quoting the notice, with the approve line.
    const quoted = (notice.text ?? '')
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\r\n');
    const reply = `From: ${MODERATOR}\r\nTo: mod-request@lists.example.org\r\nSubject: Re: ${notice.subject}\r\nMessage-ID: <r1@example.org>\r\n\r\n${quoted}\r\n\r\napprove ${token}\r\n`;
    await running.send(MODERATOR, 'mod-request@lists.example.org', reply);
    await waitFor(async () =>
      recipientsOf(running as RunningServer).includes('a@example.com') && recipientsOf(running as RunningServer).length >= 4
        ? true
        : undefined,
    );
    expect(recipientsOf(running)).toEqual(['a@example.com', 'b@example.net', MODERATOR, MODERATOR]);
    expect(await moderation.list(MOD)).toEqual([]);
    const copy = running.mock.outbox.find((message) => message.smtpEnvelope.to[0] === 'a@example.com');
    expect((await simpleParser(await copy!.toBuffer())).subject).toBe('[mod] Please post this');
  });

  it('a members-only list with nonMembers: hold holds a non-member post; rejecting it tells the poster why; discard drops silently', async () => {
    running = await runningServer([{ address: RED, policy: 'members-only', nonMembers: 'hold', owner: ['owner@example.org'] }]);
    await running.store.addMembers(RED, [{ address: 'a@example.com' }]);
    await running.send('stranger@example.net', RED, post('stranger@example.net', RED, 'First'));
    await running.send('spammer@example.net', RED, post('spammer@example.net', RED, 'Second'));
    const moderation = await running.server.moderation();
    const held = await waitFor(async () => {
      const posts = await moderation.list(RED);
      return posts.length === 2 ? posts : undefined;
    });
    expect(held.map((entry) => entry.reason)).toEqual([`the sender is not a member of ${RED}`, `the sender is not a member of ${RED}`]);
    await moderation.reject(held[0]!.id, 'Please subscribe first');
    await moderation.discard(held[1]!.id);
    await expect(moderation.discard(held[1]!.id)).rejects.toMatchObject({ code: 'ENOHELD' });
    const rejection = running.mock.outbox.find((message) => message.smtpEnvelope.to[0] === 'stranger@example.net');
    expect((await simpleParser(await rejection!.toBuffer())).text).toContain('Reason: Please subscribe first');
    expect(running.mock.outbox.some((message) => message.smtpEnvelope.to.includes('spammer@example.net'))).toBe(false);
    expect(running.mock.outbox.some((message) => message.smtpEnvelope.to.includes('a@example.com'))).toBe(false);
  });

  it('approval by mail from someone who is not a moderator changes nothing', async () => {
    running = await runningServer([{ address: MOD, policy: 'moderated', moderators: [MODERATOR] }]);
    await running.send('stranger@example.net', MOD, post('stranger@example.net', MOD, 'Held'));
    const notice = await simpleParser(await (await waitFor(async () => running?.mock.outbox[0])).toBuffer());
    const token = /^approve (\S+)$/m.exec(notice.text ?? '')?.[1] as string;
    const forged = `From: stranger@example.net\r\nTo: mod-request@lists.example.org\r\nSubject: approve ${token}\r\nMessage-ID: <f1@example.net>\r\n\r\n`;
    await running.send('stranger@example.net', 'mod-request@lists.example.org', forged);
    const answer = await simpleParser(await (await waitFor(async () => running?.mock.outbox[1])).toBuffer());
    expect(answer.text).toContain('is not a moderator');
    expect(await (await running.server.moderation()).list(MOD)).toHaveLength(1);
  });
});
