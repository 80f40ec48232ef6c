// Bounces of a list: each bouncing member's score, whether delivery is disabled or the address
// suppressed, and re-enable (which also lifts the suppression bounce scoring added).
import { api, segment } from '../api.js';
import { fill, h, when } from '../dom.js';
import { listPicker, messageBox, table, visibleLists } from '../ui.js';

/** Renders the bounces of `params[0]` (or of the first list). */
export async function renderBounces(main, { params, navigate, announce, user }) {
  const lists = await visibleLists(user);
  const address = params[0] ?? lists[0]?.address;
  main.append(h('h1', {}, 'Bounces'));
  if (!address) {
    main.append(h('p', {}, 'No lists yet.'));
    return;
  }
  const messages = messageBox();
  const box = h('div', {});
  main.append(
    messages.box,
    h(
      'div',
      { class: 'row' },
      listPicker(lists, address, (value) => navigate(`#/bounces/${segment(value)}`), 'Bounces of'),
    ),
    h(
      'p',
      { class: 'hint' },
      'Re-enable turns delivery back on, starts the bounce score again and takes the address off the suppression list when bounce scoring put it there; a complaint or a provider’s bounce stays suppressed.',
    ),
    box,
  );
  const base = `/lists/${segment(address)}`;
  async function load() {
    const { items } = await api('GET', `${base}/bounces`);
    if (items.length === 0) {
      fill(box, h('p', {}, 'No member of this list has bounced.'));
      return;
    }
    fill(
      box,
      table(
        `Bouncing members of ${address}`,
        ['Address', 'Score', 'Delivery', 'Last bounce', 'Action'],
        items.map((bounce) => ({
          attributes: { 'data-address': bounce.address },
          cells: [
            bounce.address,
            String(bounce.score),
            h(
              'span',
              {},
              bounce.disabled
                ? h('span', { class: 'state-disabled' }, 'disabled', bounce.disabledReason ? ` (${bounce.disabledReason})` : '')
                : h('span', { class: 'state-enabled' }, 'enabled'),
              bounce.suppression ? `; suppressed: ${bounce.suppression.reason} (${bounce.suppression.source})` : '',
            ),
            when(bounce.lastBounceAt),
            bounce.disabled
              ? h(
                  'button',
                  {
                    type: 'button',
                    'aria-label': `Re-enable ${bounce.address}`,
                    onclick: async () => {
                      try {
                        await api('PATCH', `${base}/members/${segment(bounce.address)}`, { enabled: true });
                        // Re-enabling lifts bounce scoring's own suppression; any other stays (the suppression page lifts it).
                        const lifted = bounce.suppression?.liftedByReEnable;
                        const kept = bounce.suppression && !lifted;
                        announce(
                          lifted
                            ? `${bounce.address} re-enabled and taken off the suppression list`
                            : kept
                              ? `${bounce.address} re-enabled; still suppressed (${bounce.suppression.reason})`
                              : `${bounce.address} re-enabled`,
                        );
                        await load();
                      } catch (error) {
                        messages.error(error);
                      }
                    },
                  },
                  'Re-enable',
                )
              : '',
          ],
        })),
      ),
    );
  }
  await load();
}
