import { Mailer, Message } from '@mailroom/core';
import { createMock, type MockDefinition } from '@mailroom/transport-mock';

/** The three built-in managers, each with settings that make a test fast. */
export const MANAGERS = ['immediate', 'futures', 'dynamic'] as const;
export type ManagerName = (typeof MANAGERS)[number];

/** A message to `to@example.org` whose subject carries `index`. */
export function testMessage(index = 0, fields: ConstructorParameters<typeof Message>[0] = {}): Message {
  return new Message({ author: 'from@example.org', to: 'to@example.org', subject: `message ${index}`, plain: 'body', ...fields });
}

/** A started Mailer on `manager` with a mock transport made from `mock` (scripted outcomes and so on). */
export async function startMailer(
  manager: ManagerName,
  mock: Record<string, unknown> = {},
  managerOptions: Record<string, unknown> = {},
): Promise<{ mailer: Mailer; transport: MockDefinition }> {
  const transport = createMock(mock);
  const mailer = new Mailer({
    manager: { use: manager, backoff: 0, ...managerOptions },
    transport: { use: transport },
  });
  await mailer.start();
  return { mailer, transport };
}
