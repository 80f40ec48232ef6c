// A list's members: search as you type, keyset paging, add, enable/disable, CSV import and export.
import { api, segment } from '../api.js';
import { debounce, field, fill, h } from '../dom.js';
import { messageBox, table } from '../ui.js';
import { importBox } from './member-import.js';

const PAGE = 50;

/** Renders the members page of `params[0]`. */
export async function renderMembers(main, { params, announce }) {
  const address = params[0];
  const base = `/lists/${segment(address)}`;
  const list = await api('GET', base);
  const messages = messageBox();
  const search = h('input', { type: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false' });
  const results = h('div', { id: 'members-results', 'aria-live': 'polite', 'aria-busy': 'false' });
  const pager = h('div', { class: 'row' });
  // Keyset paging: the cursors of the pages before this one (a stack), and this page's next.
  let cursors = [];
  let current;
  let generation = 0;

  async function load(after) {
    const mine = ++generation;
    const query = new URLSearchParams({ limit: String(PAGE) });
    const q = search.value.trim();
    if (q) query.set('q', q);
    if (after) query.set('after', after);
    results.setAttribute('aria-busy', 'true');
    try {
      const page = await api('GET', `${base}/members?${query}`);
      // A slower answer to an older query must not overwrite a newer one.
      if (mine !== generation) return;
      current = after;
      draw(page);
    } catch (error) {
      if (mine === generation) messages.error(error);
    } finally {
      if (mine === generation) results.setAttribute('aria-busy', 'false');
    }
  }

  function toggleButton(member) {
    const label = member.enabled ? 'Disable' : 'Enable';
    return h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-label': `${label} ${member.address}`,
        onclick: async () => {
          try {
            await api('PATCH', `${base}/members/${segment(member.address)}`, { enabled: !member.enabled });
            announce(`${member.address} ${member.enabled ? 'disabled' : 'enabled'}`);
            await load(current);
          } catch (error) {
            messages.error(error);
          }
        },
      },
      label,
    );
  }

  function draw(page) {
    const rows = page.items.map((member) => ({
      attributes: { 'data-address': member.address },
      cells: [
        member.address,
        member.name ?? '',
        member.enabled
          ? h('span', { class: 'state-enabled' }, 'enabled')
          : h('span', { class: 'state-disabled' }, 'disabled', member.disabledReason ? ` (${member.disabledReason})` : ''),
        toggleButton(member),
      ],
    }));
    const summary = page.total !== undefined ? `${page.total} members` : `${page.items.length} shown`;
    fill(
      results,
      h('p', { class: 'hint' }, page.items.length === 0 ? 'No members match.' : summary),
      page.items.length > 0 ? table('Members', ['Address', 'Name', 'Status', 'Action'], rows, { captionHidden: true }) : null,
    );
    fill(
      pager,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          disabled: cursors.length === 0,
          onclick: () => {
            const previous = cursors.pop();
            void load(previous === '' ? undefined : previous);
          },
        },
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

  const searchNow = debounce(() => {
    cursors = [];
    void load(undefined);
  }, 250);
  search.addEventListener('input', searchNow);

  const newAddress = h('input', { name: 'address', type: 'email', required: true, autocomplete: 'off' });
  const newName = h('input', { name: 'name', autocomplete: 'off' });
  const addForm = h(
    'form',
    {
      class: 'box',
      'aria-labelledby': 'add-heading',
      onsubmit: async (event) => {
        event.preventDefault();
        messages.clear();
        const body = { address: newAddress.value.trim() };
        if (newName.value.trim()) body.name = newName.value.trim();
        try {
          await api('POST', `${base}/members`, body);
          announce(`Added ${body.address}`);
          newAddress.value = '';
          newName.value = '';
          newAddress.focus();
          await load(current);
        } catch (error) {
          messages.error(error);
        }
      },
    },
    h('h2', { id: 'add-heading' }, 'Add a member'),
    h('div', { class: 'row' }, field('Address', newAddress).row, field('Name', newName).row, h('button', { type: 'submit' }, 'Add member')),
  );

  main.append(
    h('h1', {}, `Members of ${list.address}`),
    messages.box,
    h('div', { class: 'row' }, field('Search members', search, 'An address prefix or part of a name').row),
    results,
    pager,
    addForm,
    importBox(base, { announce, onDone: () => load(current) }),
    h('p', {}, h('a', { href: `/api/v1${base}/members.csv`, download: `${list.address}-members.csv` }, 'Export the members as CSV')),
  );
  await load(undefined);
}
