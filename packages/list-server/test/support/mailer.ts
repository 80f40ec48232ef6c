import { Mailer } from '@mailroom/core';
import { createMock, type MockDefinition } from '@mailroom/transport-mock';

/** A started Mailer (Dynamic manager) on a mock transport whose outbox a test reads. */
export async function mockMailer(mock: Record<string, unknown> = {}) {
  const transport: MockDefinition = createMock(mock);
  const mailer = await new Mailer({ manager: { use: 'dynamic', workers: 2 }, transport: { use: transport } }).start();
  return { mailer, transport };
}

/** Envelope recipients of every message in the outbox, lower-cased. */
export function delivered(transport: MockDefinition): string[] {
  return transport.outbox.flatMap((message) => message.recipients.items.map((address) => address.address.toLowerCase()));
}
