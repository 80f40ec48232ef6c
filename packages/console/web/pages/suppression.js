// The suppression list: addresses never sent to (list, add, remove), paged by keyset.
import { api, segment } from '../api.js';
import { field, fill, h, when } from '../dom.js';
import { messageBox, table } from '../ui.js';

const PAGE = 50;

/** Renders the suppression list. */
export async function renderSuppression(main, { announce }) {
  const messages = messageBox();
  const box = h('div', {});
  const pager = h('div', { class: 'row' });
  let cursors = [];
  let current;

  async function load(after) {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (after) query.set('after', after);
    let page;
    try {
      page = await api('GET', `/suppressions?${query}`);
    } catch (error) {
      if (error.status === 501) {
        fill(box, h('p', {}, 'This server has no suppression list yet (its store does not support one).'));
        form.hidden = true;
      } else messages.error(error);
      return;
    }
    current = after;
    fill(
      box,
      page.items.length === 0
        ? h('p', {}, 'No suppressed addresses.')
        : table(
            'Suppressed addresses',
            ['Address', 'Reason', 'Source', 'Since', 'Action'],
            page.items.map((entry) => ({
              attributes: { 'data-address': entry.address },
              cells: [
                entry.address,
                entry.reason ?? '',
                entry.source ?? '',
                when(entry.createdAt),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': `Remove ${entry.address} from the suppression list`,
                    onclick: async () => {
                      try {
                        await api('DELETE', `/suppressions/${segment(entry.address)}`);
                        announce(`${entry.address} removed from the suppression list`);
                        await load(current);
                      } catch (error) {
                        messages.error(error);
                      }
                    },
                  },
                  'Remove',
                ),
              ],
            })),
            { captionHidden: true },
          ),
    );
    fill(
      pager,
      h(
        'button',
        { type: 'button', class: 'secondary', disabled: cursors.length === 0, onclick: () => void load(cursors.pop() || undefined) },
        'Previous page',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          disabled: !page.next,
          onclick: () => {
            cursors.push(current ?? '');
            void load(page.next);
          },
        },
        'Next page',
      ),
    );
  }

  const address = h('input', { name: 'address', type: 'email', required: true, autocomplete: 'off' });
  const reason = h('input', { name: 'reason', autocomplete: 'off' });
  const form = h(
    'form',
    {
      class: 'box',
      'aria-labelledby': 'suppress-heading',
      onsubmit: async (event) => {
        event.preventDefault();
        messages.clear();
        const body = { address: address.value.trim() };
        if (reason.value.trim()) body.reason = reason.value.trim();
        try {
          await api('POST', '/suppressions', body);
          announce(`${body.address} suppressed`);
          address.value = '';
          reason.value = '';
          cursors = [];
          await load(undefined);
        } catch (error) {
          messages.error(error);
        }
      },
    },
    h('h2', { id: 'suppress-heading' }, 'Suppress an address'),
    h('div', { class: 'row' }, field('Address', address).row, field('Reason', reason).row, h('button', { type: 'submit' }, 'Suppress')),
  );
  main.append(h('h1', {}, 'Suppression list'), messages.box, box, pager, form);
  await load(undefined);
}
