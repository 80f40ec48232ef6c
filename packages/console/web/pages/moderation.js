// The moderation queue: held posts of every list in scope (or one), the selected post shown
// as text (its HTML only in a sandboxed frame), approve/reject/discard by button or key:
// j/k move, a approves, r rejects (asks the reason), d discards.
import { api, segment } from '../api.js';
import { field, fill, h, when } from '../dom.js';
import { listPicker, messageBox, visibleLists } from '../ui.js';

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** Renders the queue; `params[0]` is an optional list filter. Returns the cleanup (the key listener). */
export async function renderModeration(main, { params, navigate, announce, user }) {
  const only = params[0];
  const messages = messageBox();
  const lists = await visibleLists(user);
  const items = only ? (await api('GET', `/lists/${segment(only)}/held`)).items : (await api('GET', '/held')).items;
  let selected = 0;
  const counter = h('p', { class: 'hint', id: 'held-count' }, `${items.length} held`);
  const queue = h('ul', { class: 'held', 'aria-label': 'Held posts' });
  const detail = h('section', { class: 'detail', 'aria-labelledby': 'detail-heading', id: 'held-detail' });

  function drawQueue(focus) {
    fill(
      queue,
      ...items.map((item, index) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              'data-held-id': item.id,
              'aria-current': index === selected ? 'true' : undefined,
              onclick: () => select(index, true),
            },
            h('span', { class: 'subject' }, item.subject || '(no subject)'),
            h('span', { class: 'meta' }, `${item.from} to ${item.list}`),
            h('span', { class: 'meta' }, when(item.receivedAt)),
          ),
        ),
      ),
    );
    if (focus) queue.querySelectorAll('button')[selected]?.focus();
  }

  async function select(index, focus) {
    selected = Math.max(0, Math.min(index, items.length - 1));
    drawQueue(focus);
    await drawDetail();
  }

  async function drawDetail() {
    const item = items[selected];
    if (!item) {
      fill(detail, h('h2', { id: 'detail-heading', tabindex: '-1' }, 'Nothing held'), h('p', {}, 'The queue is empty.'));
      return;
    }
    let post;
    try {
      post = await api('GET', `/held/${segment(item.id)}`);
    } catch (error) {
      messages.error(error);
      return;
    }
    if (items[selected]?.id !== item.id) return;
    const reason = h('textarea', { name: 'reason', rows: 2, required: true });
    const rejectForm = h(
      'form',
      {
        class: 'box reject',
        hidden: true,
        onsubmit: (event) => {
          event.preventDefault();
          if (reason.value.trim()) void decide('reject', { reason: reason.value.trim() });
        },
      },
      field('Reason for the rejection (sent to the poster)', reason).row,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit' }, 'Send rejection'),
        h('button', { type: 'button', class: 'secondary', onclick: () => closeReject() }, 'Cancel'),
      ),
    );
    const closeReject = () => {
      rejectForm.hidden = true;
      queue.querySelectorAll('button')[selected]?.focus();
    };
    const showHtml = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false' }, 'Show the HTML part');
    const htmlBox = h('div', {});
    showHtml.addEventListener('click', () => {
      const open = showHtml.getAttribute('aria-expanded') === 'true';
      showHtml.setAttribute('aria-expanded', String(!open));
      showHtml.textContent = open ? 'Show the HTML part' : 'Hide the HTML part';
      // The frame is sandboxed without allow-scripts, and the server sends it with CSP sandbox too.
      fill(
        htmlBox,
        ...(open
          ? []
          : [
              h('iframe', {
                class: 'post-html',
                sandbox: '',
                src: `/api/v1/held/${segment(post.id)}/html`,
                title: `HTML part of ${post.subject || 'the post'}`,
                referrerpolicy: 'no-referrer',
              }),
            ]),
      );
    });
    fill(
      detail,
      h('h2', { id: 'detail-heading' }, post.subject || '(no subject)'),
      h(
        'dl',
        { class: 'facts', id: 'held-facts' },
        h('dt', {}, 'From'),
        h('dd', {}, post.from),
        h('dt', {}, 'List'),
        h('dd', {}, post.list),
        h('dt', {}, 'Held because'),
        h('dd', {}, post.reason),
        h('dt', {}, 'Received'),
        h('dd', {}, when(post.receivedAt)),
        h('dt', {}, 'Size'),
        h('dd', {}, `${post.size} bytes`),
      ),
      h(
        'div',
        { class: 'row actions' },
        h('button', { type: 'button', 'aria-keyshortcuts': 'a', onclick: () => decide('approve') }, 'Approve'),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'aria-keyshortcuts': 'r',
            onclick: () => {
              rejectForm.hidden = false;
              reason.focus();
            },
          },
          'Reject…',
        ),
        h('button', { type: 'button', class: 'danger', 'aria-keyshortcuts': 'd', onclick: () => decide('discard') }, 'Discard'),
      ),
      rejectForm,
      h('h3', {}, 'Text'),
      h('pre', { class: 'post-text', tabindex: '0', 'aria-label': 'Text of the post' }, post.text),
      post.hasHtml ? h('div', {}, showHtml, htmlBox) : null,
      h(
        'details',
        {},
        h('summary', {}, 'Headers'),
        h('dl', { class: 'facts headers' }, ...post.headers.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
      ),
    );
  }

  async function decide(action, body) {
    const item = items[selected];
    if (!item) return;
    messages.clear();
    try {
      await api('POST', `/held/${segment(item.id)}/${action}`, body);
    } catch (error) {
      messages.error(error);
      return;
    }
    items.splice(selected, 1);
    const done = { approve: 'Approved', reject: 'Rejected', discard: 'Discarded' }[action];
    announce(`${done}: ${item.subject || item.id}. ${items.length} held.`);
    counter.textContent = `${items.length} held`;
    await select(selected, true);
    if (items.length === 0) detail.querySelector('h2')?.focus();
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || TYPING.has(event.target?.tagName)) return;
    const actions = {
      j: () => select(selected + 1, true),
      k: () => select(selected - 1, true),
      a: () => decide('approve'),
      d: () => decide('discard'),
      r: () => detail.querySelector('.actions button[aria-keyshortcuts="r"]')?.click(),
    };
    const action = actions[event.key];
    if (!action || items.length === 0) return;
    event.preventDefault();
    void action();
  }

  main.append(
    h('h1', {}, 'Moderation queue'),
    messages.box,
    h(
      'div',
      { class: 'row' },
      listPicker(
        [{ address: '' }, ...lists],
        only ?? '',
        (value) => navigate(value ? `#/moderation/${segment(value)}` : '#/moderation'),
        'Show held posts of',
      ),
    ),
    counter,
    h(
      'p',
      { class: 'keys', id: 'keys-help' },
      'Keys: ',
      h('kbd', {}, 'j'),
      ' next, ',
      h('kbd', {}, 'k'),
      ' previous, ',
      h('kbd', {}, 'a'),
      ' approve, ',
      h('kbd', {}, 'r'),
      ' reject, ',
      h('kbd', {}, 'd'),
      ' discard.',
    ),
    h('div', { class: 'queue' }, h('div', {}, queue), detail),
  );
  // The picker's empty option reads as "every list".
  const firstOption = main.querySelector('select option[value=""]');
  if (firstOption) firstOption.textContent = 'every list';
  drawQueue(false);
  await drawDetail();
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
