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

  it('a moderator rejects one held post and discards another by replying to their notices', async () => {
    running = await runningServer([{ address: MOD, policy: 'moderated', moderators: [MODERATOR] }]);
    await running.store.addMembers(MOD, [{ address: 'a@example.com' }]);
    await running.send('stranger@example.net', MOD, post('stranger@example.net', MOD, 'Off topic'));
    await running.send('spammer@example.net', MOD, post('spammer@example.net', MOD, 'Buy now'));
    const notices = await waitFor(async () => (running!.mock.outbox.length >= 2 ? running!.mock.outbox.slice(0, 2) : undefined));
    const tokens = new Map<string, string>();
    for (const notice of notices) {
      const text = (await simpleParser(await notice.toBuffer())).text ?? '';
      tokens.set(/Subject: (.*)/.exec(text)?.[1]?.trim() as string, /^approve (\S+)$/m.exec(text)?.[1] as string);
    }
    const reply = (line: string, id: string) =>
      `From: ${MODERATOR}\r\nTo: mod-request@lists.example.org\r\nSubject: Re: held\r\nMessage-ID: <${id}@example.org>\r\n\r\n${line}\r\n`;
    await running.send(MODERATOR, 'mod-request@lists.example.org', reply(`reject ${tokens.get('Off topic')} Please stay on topic`, 'r1'));
    await running.send(MODERATOR, 'mod-request@lists.example.org', reply(`discard ${tokens.get('Buy now')}`, 'r2'));
    const moderation = await running.server.moderation();
    await waitFor(async () => ((await moderation.list(MOD)).length === 0 ? true : undefined));
    const rejection = await waitFor(async () =>
      running!.mock.outbox.find((message) => message.smtpEnvelope.to[0] === 'stranger@example.net'),
    );
    const told = await simpleParser(await rejection.toBuffer());
    expect(told.text).toContain('Reason: Please stay on topic');
    expect(told.headers.get('auto-submitted')).toBe('auto-replied');
    // The moderator is answered for each decision; the spammer hears nothing, and nothing was distributed.
    await waitFor(async () => (recipientsOf(running as RunningServer).filter((to) => to === MODERATOR).length >= 4 ? true : undefined));
    expect(recipientsOf(running)).toEqual([MODERATOR, MODERATOR, MODERATOR, MODERATOR, 'stranger@example.net']);
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
