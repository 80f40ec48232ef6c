import type { List } from '@mailroom/lists';

/** The answer to `help` (and to a message without a command). */
export function helpText(list: List): string {
  return [
    `Commands for ${list.address}: send them to ${list.requestAddress}, in the subject or one a line in the body.`,
    '',
    '  subscribe           join the list (you will be asked to confirm)',
    '  unsubscribe         leave the list (you will be asked to confirm)',
    '  confirm TOKEN       confirm a request (or just reply to the confirmation message)',
    '  help                this text',
    '',
    'Moderators, replying to a moderation notice:',
    '  approve TOKEN       distribute the held post',
    '  reject TOKEN REASON refuse it and tell the poster why',
    '  discard TOKEN       drop it silently',
    '',
  ].join('\n');
}
