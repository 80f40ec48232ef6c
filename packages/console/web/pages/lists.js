// The lists page: every list the user may see, with links to its settings, members, queue and bounces.
import { segment } from '../api.js';
import { h } from '../dom.js';
import { table, visibleLists } from '../ui.js';

/** Renders the table of lists (and, for an operator, the "New list" link). */
export async function renderLists(main, { user }) {
  main.append(h('h1', {}, 'Lists'));
  if (user.role === 'operator') main.append(h('p', {}, h('a', { class: 'button', href: '#/lists/new' }, 'New list')));
  const lists = await visibleLists(user);
  if (lists.length === 0) {
    main.append(h('p', {}, 'No lists yet.'));
    return;
  }
  main.append(
    table(
      'Lists',
      ['Address', 'Name', 'Policy', 'Members', 'Pages'],
      lists.map((list) => [
        h('a', { href: `#/lists/${segment(list.address)}`, 'aria-label': `Settings of ${list.address}` }, list.address),
        list.name,
        list.policy === 'members-only' && list.nonMembers === 'hold' ? 'members only (others held)' : list.policy,
        String(list.members ?? ''),
        h(
          'span',
          { class: 'links' },
          h('a', { href: `#/lists/${segment(list.address)}/members`, 'aria-label': `Members of ${list.address}` }, 'Members'),
          ' · ',
          h('a', { href: `#/moderation/${segment(list.address)}`, 'aria-label': `Held posts of ${list.address}` }, 'Held posts'),
          ' · ',
          h('a', { href: `#/bounces/${segment(list.address)}`, 'aria-label': `Bounces of ${list.address}` }, 'Bounces'),
        ),
      ]),
      { captionHidden: true },
    ),
  );
}
