// Shared page pieces: headings, messages, tables, the list picker.
import { api } from './api.js';
import { field, fill, h } from './dom.js';

/** Announces `text` in the polite live region (screen readers read it; the page shows it). */
export function announce(text) {
  const region = document.getElementById('status');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick, so the same message twice is read twice.
  setTimeout(() => {
    region.textContent = text;
  }, 20);
}

/** A message box for a page: `show(error)` renders an error (role=alert), `clear()` empties it. */
export function messageBox() {
  const box = h('div', { class: 'messages' });
  return {
    box,
    error(error) {
      const lines = typeof error?.fieldMessages === 'function' ? error.fieldMessages() : [];
      fill(
        box,
        h(
          'div',
          { class: 'error', role: 'alert' },
          h('p', {}, error?.message ?? String(error)),
          lines.length > 0 ? h('ul', {}, ...lines.map((line) => h('li', {}, line))) : null,
        ),
      );
    },
    info(text) {
      fill(box, h('p', { class: 'info' }, text));
    },
    clear() {
      fill(box);
    },
  };
}

/** A table with a caption: `columns` are header texts, `rows` arrays of cell contents (text or nodes). */
export function table(caption, columns, rows, options = {}) {
  return h(
    'table',
    { class: options.class ?? 'data' },
    h('caption', { class: options.captionHidden ? 'visually-hidden' : undefined }, caption),
    h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col' }, column)))),
    h('tbody', {}, ...rows.map(tableRow)),
  );
}

/** One table row: `row` is an array of cells or `{attributes, cells}`; the first cell is the row's header. */
export function tableRow(row) {
  const cells = row.cells ?? row;
  return h('tr', row.attributes ?? {}, ...cells.map((cell, index) => (index === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell))));
}

/** The lists the user may see, as `[{address, name}]` (cached for the page's life). */
let listsCache;
export async function visibleLists(user) {
  if (user.role === 'moderator') return user.lists.map((address) => ({ address, name: address }));
  listsCache ??= api('GET', '/lists').then((answer) => answer.items);
  try {
    return await listsCache;
  } catch (error) {
    listsCache = undefined;
    throw error;
  }
}

/** Forgets the cached lists (after a list was created, changed or deleted). */
export function forgetLists() {
  listsCache = undefined;
}

/** A labelled select of the user's lists; `onchange(address)` is called when the choice changes. */
export function listPicker(lists, selected, onchange, label = 'List') {
  const select = h(
    'select',
    { onchange: () => onchange(select.value) },
    ...lists.map((list) => h('option', { value: list.address, selected: list.address === selected }, list.address)),
  );
  return field(label, select).row;
}
