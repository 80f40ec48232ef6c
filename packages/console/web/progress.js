// A post's progress: a labelled <progress> and the counts as text.
import { h } from './dom.js';

/** `sent + failed` of `total`, as a labelled progress bar followed by the numbers. */
export function postProgress(post) {
  const done = (post.sent ?? 0) + (post.failed ?? 0);
  const total = Math.max(post.total ?? 0, done);
  const bar = h('progress', { max: total || 1, value: done, 'aria-label': `Progress of ${post.subject || post.id}` });
  bar.value = done;
  return h(
    'span',
    { class: 'progress', 'data-post': post.id },
    bar,
    ' ',
    h(
      'span',
      { class: 'counts' },
      `${post.sent ?? 0} sent, ${post.failed ?? 0} failed, ${post.pending ?? Math.max(0, total - done)} pending of ${total}`,
    ),
  );
}
