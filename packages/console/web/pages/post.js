// One post and its ledger: counts (live over SSE), failures, pause and resume.
import { api, segment } from '../api.js';
import { fill, h, when } from '../dom.js';
import { subscribe } from '../events.js';
import { postProgress } from '../progress.js';
import { messageBox, table } from '../ui.js';

/** Renders post `params[0]`; returns the function that closes its event stream. */
export async function renderPost(main, { params, announce }) {
  const id = params[0];
  const messages = messageBox();
  const summary = h('div', { id: 'post-summary' });
  const failures = h('div', { id: 'post-failures' });
  const controls = h('div', { class: 'row' });
  let post = await api('GET', `/posts/${segment(id)}`);

  async function act(action) {
    messages.clear();
    try {
      await api('POST', `/posts/${segment(id)}/${action}`);
      post = await api('GET', `/posts/${segment(id)}`);
      draw();
      announce(action === 'pause' ? 'Post paused' : 'Post resumed');
    } catch (error) {
      messages.error(error);
    }
  }

  function draw() {
    fill(
      summary,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'List'),
        h('dd', {}, post.list),
        h('dt', {}, 'State'),
        h('dd', { id: 'post-state' }, post.state),
        h('dt', {}, 'Progress'),
        h('dd', {}, postProgress(post)),
        h('dt', {}, 'Skipped'),
        h('dd', {}, String(post.skipped ?? 0)),
        h('dt', {}, 'Started'),
        h('dd', {}, when(post.startedAt)),
        h('dt', {}, 'Updated'),
        h('dd', {}, when(post.updatedAt)),
        post.error ? [h('dt', {}, 'Error'), h('dd', {}, post.error)] : null,
      ),
    );
    fill(
      controls,
      post.state === 'running' ? h('button', { type: 'button', class: 'secondary', onclick: () => act('pause') }, 'Pause') : null,
      post.state === 'paused' ? h('button', { type: 'button', onclick: () => act('resume') }, 'Resume') : null,
    );
    const list = post.failures ?? [];
    fill(
      failures,
      list.length === 0
        ? h('p', {}, 'No failed deliveries.')
        : table(
            'Failed deliveries',
            ['Address', 'Error'],
            list.map((failure) => [failure.address, failure.error]),
            { captionHidden: true },
          ),
    );
  }

  main.append(
    h('h1', {}, post.subject || '(no subject)'),
    messages.box,
    h('section', { 'aria-labelledby': 'ledger-heading' }, h('h2', { id: 'ledger-heading' }, 'Ledger'), summary, controls),
    h('section', { 'aria-labelledby': 'failures-heading' }, h('h2', { id: 'failures-heading' }, 'Failures'), failures),
    h('p', {}, h('a', { href: '#/' }, 'Back to the dashboard')),
  );
  draw();
  let refreshing = false;
  return subscribe({
    post(update) {
      if (update.id !== id) return;
      post = { ...post, ...update };
      draw();
      // The failures are not in the event: fetch them again when the failed count moved.
      if ((update.failed ?? 0) !== (post.failures?.length ?? 0) && !refreshing) {
        refreshing = true;
        api('GET', `/posts/${segment(id)}`)
          .then((fresh) => {
            post = fresh;
            draw();
          })
          .catch(() => {})
          .finally(() => {
            refreshing = false;
          });
      }
    },
  });
}
