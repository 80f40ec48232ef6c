import { Mailer } from '@mailroom/core';
import { createMock, type MockDefinition } from '@mailroom/transport-mock';

/** A post as a list receives it. */
export const POST = [
  'From: Poster <poster@example.net>',
  'To: red@lists.example.org',
  'Subject: Hello',
  'Message-ID: <post-1@example.net>',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello, list.',
  '',
].join('\r\n');

/** A started Mailer on the Dynamic manager and a mock whose outbox the test reads. */
export async function mockMailer(mock: Record<string, unknown> = {}, manager: Record<string, unknown> = {}) {
  const transport: MockDefinition = createMock(mock);
  const mailer = await new Mailer({
    manager: { use: 'dynamic', workers: 4, queue: 50, ...manager },
    transport: { use: transport },
  }).start();
  return { mailer, transport };
}

/** Envelope recipients of every message in the outbox, lower-cased. */
export function delivered(transport: MockDefinition): string[] {
  return transport.outbox.flatMap((message) => message.recipients.items.map((address) => address.address.toLowerCase()));
}
