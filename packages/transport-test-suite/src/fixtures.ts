import { Message } from '@mailroom/core';

/** The sender every suite message uses. */
export const AUTHOR = 'Suite Sender <sender@example.org>';
/** The primary recipient every suite message uses. */
export const RECIPIENT = 'Alice Example <alice@example.org>';

/** A plain message with a subject that identifies it: `suite <tag> <n>`. */
export function suiteMessage(tag: string, index: number, extra: ConstructorParameters<typeof Message>[0] = {}): Message {
  return new Message({
    author: AUTHOR,
    to: RECIPIENT,
    subject: `suite ${tag} ${index}`,
    plain: `Body of message ${index} (${tag}).`,
    ...extra,
  });
}

/** A message with non-ASCII text, an HTML part and an attachment. */
export function richMessage(tag: string): Message {
  const message = suiteMessage(tag, 0, {
    subject: `suite ${tag} Grüße, 日本 ✓`,
    plain: 'Grüße aus Köln: ½ € ✓',
    rich: '<p>Grüße aus <b>Köln</b></p>',
  });
  message.attach('report-ü.txt', Buffer.from('line one\nline two\n'), { contentType: 'text/plain' });
  return message;
}
