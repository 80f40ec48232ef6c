// The login page: username and password, errors (and the rate limit) announced.
import { api } from '../api.js';
import { field, h } from '../dom.js';
import { messageBox } from '../ui.js';

/** Renders the login form; calls `onLogin(session)` with `{user, csrfToken}` once logged in. */
export function renderLogin(main, { onLogin }) {
  const messages = messageBox();
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Log in');
  const form = h(
    'form',
    {
      class: 'box',
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        messages.clear();
        try {
          onLogin(await api('POST', '/session', { username: username.value, password: password.value }));
        } catch (error) {
          if (error.status === 429) {
            messages.error(new Error(`Too many attempts. Try again in ${error.retryAfter ?? 'a few'} seconds.`));
          } else if (error.status === 401 || error.status === 400) {
            messages.error(new Error('Wrong username or password.'));
          } else messages.error(error);
          password.value = '';
          password.focus();
        } finally {
          submit.disabled = false;
        }
      },
    },
    field('Username', username).row,
    field('Password', password).row,
    submit,
  );
  main.append(h('div', { class: 'login' }, h('h1', {}, 'Log in to the Mailroom console'), messages.box, form));
  username.focus();
}
