import { Mailer, Message, RecipientsSuppressedError, type SuppressionCheck } from '@mailroom/core';
import { createMock } from '@mailroom/transport-mock';
import { describe, expect, it } from 'vitest';

/** A check over a fixed set, as a store would answer (case-insensitive); it records what it was asked. */
function fixedCheck(suppressed: Record<string, string>) {
  const asked: string[][] = [];
  const check: SuppressionCheck = {
    async suppressed(addresses) {
      asked.push([...addresses]);
      return addresses.flatMap((address) => {
        const reason = suppressed[address.toLowerCase()];
        return reason ? [{ address, reason, source: 'test' }] : [];
      });
    },
  };
  return { check, asked };
}

describe.each(['immediate', 'futures', 'dynamic'])('the suppression check with the %s manager', (manager) => {
  it('drops suppressed recipients from the envelope only, reports them, and sends to the rest', async () => {
    const { check, asked } = fixedCheck({ 'bob@example.com': 'complaint' });
    const transport = createMock();
    const mailer = await new Mailer({ 'manager.use': manager, 'transport.use': transport }, { suppression: check }).start();
    const result = await mailer.send(
      mailer.new({ author: 'a@example.org', to: 'ann@example.com', cc: 'Bob@Example.com', subject: 'S', plain: 'x' }),
    );
    await mailer.stop();
    expect(asked).toEqual([['ann@example.com', 'Bob@Example.com']]);
    expect(result.suppressed).toEqual([{ address: 'Bob@Example.com', reason: 'complaint', source: 'test' }]);
    expect(result.accepted).toEqual(['ann@example.com']);
    const [sent] = transport.outbox;
    expect(sent?.smtpEnvelope.to).toEqual(['ann@example.com']);
    // The headers are the message's own: Cc still names Bob, who gets no copy.
    expect((await (sent as Message).toBuffer()).toString()).toMatch(/^Cc: .*bob@example\.com/im);
  });

  it('refuses with ESUPPRESSED when no recipient is left: nothing reaches the manager, not counted as failed', async () => {
    const { check } = fixedCheck({ 'bob@example.com': 'hard-bounce' });
    const transport = createMock();
    const mailer = await new Mailer({ 'manager.use': manager, 'transport.use': transport }, { suppression: check }).start();
    const failed: unknown[] = [];
    mailer.on('failed', (error) => failed.push(error));
    const error = await mailer.send(mailer.new({ author: 'a@example.org', bcc: 'bob@example.com', plain: 'x' })).catch((e: unknown) => e);
    await mailer.stop();
    expect(error).toBeInstanceOf(RecipientsSuppressedError);
    expect(RecipientsSuppressedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ESUPPRESSED', field: 'to', suppressed: [{ address: 'bob@example.com', reason: 'hard-bounce' }] });
    expect(transport.outbox).toHaveLength(0);
    expect(failed).toHaveLength(0);
    expect(mailer.stats).toMatchObject({ delivered: 0, failed: 0, suppressed: 1 });
  });

  it('a check that fails makes the send fail and sends nothing', async () => {
    const check: SuppressionCheck = { suppressed: async () => Promise.reject(new Error('store down')) };
    const transport = createMock();
    const mailer = await new Mailer({ 'manager.use': manager, 'transport.use': transport }, { suppression: check }).start();
    await expect(mailer.send(mailer.new({ author: 'a@example.org', to: 'c@example.com', plain: 'x' }))).rejects.toThrow('store down');
    await mailer.stop();
    expect(transport.outbox).toHaveLength(0);
  });
});

describe('a raw message', () => {
  it('is screened on its envelope, and a later send screens it afresh', async () => {
    const suppressed: Record<string, string> = { 'x@example.com': 'manual' };
    const { check } = fixedCheck(suppressed);
    const transport = createMock();
    const mailer = await new Mailer({ 'transport.use': transport }, { suppression: check }).start();
    const raw = Message.raw('From: a@example.org\r\nSubject: R\r\n\r\nbody\r\n', {
      from: 'a@example.org',
      to: ['x@example.com', 'y@example.com'],
    });
    const first = await mailer.send(raw);
    expect(first.suppressed).toHaveLength(1);
    expect(first.accepted).toEqual(['y@example.com']);
    delete suppressed['x@example.com'];
    const second = await mailer.send(raw);
    expect(second.suppressed).toEqual([]);
    expect(second.accepted).toEqual(['x@example.com', 'y@example.com']);
    await mailer.stop();
    expect(transport.outbox).toHaveLength(2);
  });
});
