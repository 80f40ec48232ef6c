// A list's settings: the create form (#/lists/new) and the edit form (#/lists/{address}).
import { api, segment } from '../api.js';
import { field, h } from '../dom.js';
import { forgetLists, messageBox } from '../ui.js';

const POLICIES = [
  ['members-only', 'Members only'],
  ['open', 'Open: anyone may post'],
  ['moderated', 'Moderated: every post is held'],
];

const split = (text) =>
  text
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter(Boolean);

function select(name, options, value) {
  return h('select', { name }, ...options.map(([key, label]) => h('option', { value: key, selected: key === value }, label)));
}

/** Renders the form; `params[0]` is the list address when editing. */
export async function renderListForm(main, { params, navigate, announce, user }) {
  const address = params[0];
  const list = address ? await api('GET', `/lists/${segment(address)}`) : undefined;
  const messages = messageBox();
  const controls = {
    address: h('input', { name: 'address', type: 'email', required: true, autocomplete: 'off', value: list?.address ?? '' }),
    name: h('input', { name: 'name', value: list?.name ?? '' }),
    prefix: h('input', { name: 'prefix', value: list?.prefix ?? '' }),
    policy: select('policy', POLICIES, list?.policy ?? 'members-only'),
    nonMembers: select(
      'nonMembers',
      [
        ['refuse', 'Refuse (the sender is told why)'],
        ['hold', 'Hold for a moderator'],
      ],
      list?.nonMembers ?? 'refuse',
    ),
    replyTo: h('input', { name: 'replyTo', value: list?.replyTo ?? 'none' }),
    owner: h('input', { name: 'owner', value: (list?.owner ?? []).join(', ') }),
    moderators: h('input', { name: 'moderators', value: (list?.moderators ?? []).join(', ') }),
    footer: h('textarea', { name: 'footer', rows: 3 }),
    personalize: h('input', { name: 'personalize', type: 'checkbox', checked: list?.personalize ?? false }),
    verp: h('input', { name: 'verp', type: 'checkbox', checked: list?.verp ?? true }),
    batchSize: h('input', { name: 'batchSize', type: 'number', min: 1, max: 1000, value: String(list?.batchSize ?? 10) }),
  };
  controls.footer.value = list?.footer ?? '';
  if (list) controls.address.readOnly = true;
  const checkbox = (label, control) => {
    const { row } = field(label, control);
    row.classList.add('inline');
    // The box before its label reads naturally for a checkbox.
    row.prepend(control);
    return row;
  };
  const form = h(
    'form',
    {
      class: 'box',
      onsubmit: async (event) => {
        event.preventDefault();
        messages.clear();
        const body = {
          name: controls.name.value.trim() || undefined,
          prefix: controls.prefix.value,
          policy: controls.policy.value,
          nonMembers: controls.nonMembers.value,
          replyTo: controls.replyTo.value.trim() || 'none',
          owner: split(controls.owner.value),
          moderators: split(controls.moderators.value),
          footer: controls.footer.value,
          personalize: controls.personalize.checked,
          verp: controls.verp.checked,
          batchSize: Number(controls.batchSize.value),
        };
        if (body.name === undefined) delete body.name;
        if (!list && body.prefix === '') delete body.prefix;
        if (body.footer === '' && !list?.footer) delete body.footer;
        try {
          if (list) await api('PATCH', `/lists/${segment(list.address)}`, body);
          else await api('POST', '/lists', { address: controls.address.value.trim(), ...body });
          forgetLists();
          announce(list ? `Saved ${list.address}` : `Created ${controls.address.value.trim()}`);
          navigate('#/lists');
        } catch (error) {
          messages.error(error);
        }
      },
    },
    field('Address', controls.address, list ? 'The posting address cannot change.' : 'The posting address, e.g. news@lists.example.org')
      .row,
    field('Name', controls.name, 'Shown in List-Id; the local part when empty.').row,
    field('Subject prefix', controls.prefix, list ? undefined : 'Empty for the default, [local part].').row,
    field('Who may post', controls.policy).row,
    field('Posts by non-members (members-only lists)', controls.nonMembers).row,
    field('Reply-To', controls.replyTo, '"none", "list" or an address').row,
    field('Owners', controls.owner, 'Addresses, separated by commas').row,
    field('Moderators', controls.moderators, 'Addresses, separated by commas').row,
    field('Footer', controls.footer, 'Placeholders: {name}, {address}, {unsubscribeUrl}').row,
    checkbox('Personalize each delivery', controls.personalize),
    checkbox('VERP envelope sender per member', controls.verp),
    field('Recipients per batch', controls.batchSize).row,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit' }, list ? 'Save settings' : 'Create list'),
      h('a', { href: '#/lists' }, 'Cancel'),
    ),
  );
  main.append(h('h1', {}, list ? `Settings of ${list.address}` : 'New list'), messages.box, form);
  if (list) {
    main.append(
      h(
        'p',
        {},
        h('a', { href: `#/lists/${segment(list.address)}/members` }, 'Members'),
        ' · ',
        h('a', { href: `#/moderation/${segment(list.address)}` }, 'Held posts'),
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'List-Id'),
        h('dd', {}, list.listId),
        h('dt', {}, 'Bounces to'),
        h('dd', {}, list.bounceAddress),
        h('dt', {}, 'Requests to'),
        h('dd', {}, list.requestAddress),
        h('dt', {}, 'Members'),
        h('dd', {}, String(list.members)),
      ),
    );
    if (user.role === 'operator') {
      main.append(
        h(
          'section',
          { class: 'box', 'aria-labelledby': 'delete-heading' },
          h('h2', { id: 'delete-heading' }, 'Delete this list'),
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: async () => {
                if (!window.confirm(`Delete ${list.address} and all its members?`)) return;
                try {
                  await api('DELETE', `/lists/${segment(list.address)}`);
                  forgetLists();
                  announce(`Deleted ${list.address}`);
                  navigate('#/lists');
                } catch (error) {
                  messages.error(error);
                }
              },
            },
            'Delete list',
          ),
        ),
      );
    }
  }
}
