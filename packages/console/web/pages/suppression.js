// The suppression list (operators): addresses never sent to, for every list. Listed in keyset
// pages, filtered by reason; add one (address, reason, detail) and remove one.
import { api, segment } from '../api.js';
import { field, fill, h, when } from '../dom.js';
import { messageBox, table } from '../ui.js';

const PAGE = 50;
/** The reasons of @mailroom/lists' SUPPRESSION_REASONS, with what each means here. */
const REASONS = [
  ['manual', 'manual (added by hand)'],
  ['hard-bounce', 'hard bounce'],
  ['complaint', 'complaint (spam report)'],
  ['unsubscribe', 'unsubscribe'],
];

function select(name, options, value) {
  return h('select', { name }, ...options.map(([key, label]) => h('option', { value: key, selected: key === value }, label)));
}

/** Renders the suppression list. */
export async function renderSuppression(main, { announce }) {
  const messages = messageBox();
  const box = h('div', {});
  const pager = h('div', { class: 'row' });
  let cursors = [];
  let current;

  const filter = select('filter', [['', 'every reason'], ...REASONS], '');
  filter.addEventListener('change', () => {
    cursors = [];
    void load(undefined);
  });

  async function load(after) {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (after) query.set('after', after);
    if (filter.value) query.set('reason', filter.value);
    let page;
    try {
      page = await api('GET', `/suppressions?${query}`);
    } catch (error) {
      messages.error(error);
      return;
    }
    current = after;
    fill(
      box,
      page.items.length === 0
        ? h('p', {}, filter.value ? 'No suppressed addresses with this reason.' : 'No suppressed addresses.')
        : table(
            'Suppressed addresses',
            ['Address', 'Reason', 'Source', 'Detail', 'Since', 'Action'],
            page.items.map((entry) => ({
              attributes: { 'data-address': entry.address },
              cells: [
                entry.address,
                entry.reason,
                entry.source,
                entry.detail ?? '',
                when(entry.createdAt),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': `Remove ${entry.address} from the suppression list`,
                    onclick: async () => {
                      messages.clear();
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
  const reason = select('reason', REASONS, 'manual');
  const detail = h('input', { name: 'detail', autocomplete: 'off', maxlength: '500' });
  const form = h(
    'form',
    {
      class: 'box',
      'aria-labelledby': 'suppress-heading',
      onsubmit: async (event) => {
        event.preventDefault();
        messages.clear();
        const body = { address: address.value.trim(), reason: reason.value };
        if (detail.value.trim()) body.detail = detail.value.trim();
        try {
          const entry = await api('POST', '/suppressions', body);
          announce(
            entry.reason === body.reason
              ? `${entry.address} suppressed`
              : `${entry.address} was suppressed already (${entry.reason}); the first entry is kept`,
          );
          address.value = '';
          detail.value = '';
          reason.value = 'manual';
          cursors = [];
          await load(undefined);
        } catch (error) {
          messages.error(error);
        }
      },
    },
    h('h2', { id: 'suppress-heading' }, 'Suppress an address'),
    h(
      'p',
      { class: 'hint' },
      'A suppressed address gets nothing from any list or send, even while it is an enabled member. The detail is a line for people (by default “added by” your name).',
    ),
    h(
      'div',
      { class: 'row' },
      field('Address', address).row,
      field('Reason', reason).row,
      field('Detail', detail).row,
      h('button', { type: 'submit' }, 'Suppress'),
    ),
  );
  main.append(h('h1', {}, 'Suppression list'), messages.box, h('div', { class: 'row' }, field('Show', filter).row), box, pager, form);
  await load(undefined);
}
