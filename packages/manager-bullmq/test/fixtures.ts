import { Message } from '@mailroom/core';

/** A small message with a fixed, unique id. */
export function testMessage(index: number, run: string): Message {
  return new Message({
    author: 'Robot <robot@example.org>',
    to: `member${index}@example.org`,
    subject: `Message ${index}`,
    plain: `Hello number ${index}`,
    id: `<${run}.${index}@test.example.org>`,
  });
}
