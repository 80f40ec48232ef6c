// The console's entry point: the session, the layout and a hash router (#/lists, #/moderation ...).
import { api, setCsrfToken } from './api.js';
import { fill, h } from './dom.js';
import { renderBounces } from './pages/bounces.js';
import { renderDashboard } from './pages/dashboard.js';
import { renderListForm } from './pages/list-form.js';
import { renderLists } from './pages/lists.js';
import { renderLogin } from './pages/login.js';
import { renderMembers } from './pages/members.js';
import { renderModeration } from './pages/moderation.js';
import { renderPost } from './pages/post.js';
import { renderSuppression } from './pages/suppression.js';
import { announce } from './ui.js';

const ROUTES = [
  { pattern: /^\/$/, title: 'Dashboard', render: renderDashboard, roles: ['operator', 'owner'] },
  { pattern: /^\/lists$/, title: 'Lists', render: renderLists, roles: ['operator', 'owner'] },
  { pattern: /^\/lists\/new$/, title: 'New list', render: renderListForm, roles: ['operator'] },
  { pattern: /^\/lists\/([^/]+)\/members$/, title: 'Members', render: renderMembers, roles: ['operator', 'owner'] },
  { pattern: /^\/lists\/([^/]+)$/, title: 'List settings', render: renderListForm, roles: ['operator', 'owner'] },
  { pattern: /^\/posts\/([^/]+)$/, title: 'Post', render: renderPost, roles: ['operator', 'owner'] },
  { pattern: /^\/moderation(?:\/([^/]+))?$/, title: 'Moderation', render: renderModeration, roles: ['operator', 'owner', 'moderator'] },
  { pattern: /^\/bounces(?:\/([^/]+))?$/, title: 'Bounces', render: renderBounces, roles: ['operator', 'owner'] },
  { pattern: /^\/suppression$/, title: 'Suppression', render: renderSuppression, roles: ['operator'] },
];

const NAV = [
  ['#/', 'Dashboard', ['operator', 'owner']],
  ['#/lists', 'Lists', ['operator', 'owner']],
  ['#/moderation', 'Moderation', ['operator', 'owner', 'moderator']],
  ['#/bounces', 'Bounces', ['operator', 'owner']],
  ['#/suppression', 'Suppression', ['operator']],
];

const state = { user: undefined, cleanup: undefined };
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const account = document.getElementById('account');

/** Goes to `hash` (`#/lists`); the router renders it. */
export function navigate(hash) {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

function renderChrome() {
  const path = currentPath();
  const user = state.user;
  fill(
    nav,
    ...(user
      ? [
          h(
            'ul',
            {},
            ...NAV.filter(([, , roles]) => roles.includes(user.role)).map(([href, label]) => {
              const target = href.slice(1);
              const current = target === '/' ? path === '/' : path.startsWith(target);
              return h('li', {}, h('a', { href, 'aria-current': current ? 'page' : undefined }, label));
            }),
          ),
        ]
      : []),
  );
  fill(
    account,
    ...(user
      ? [
          h('span', { class: 'who' }, user.name, ' (', user.role, ')'),
          h('button', { type: 'button', class: 'secondary', onclick: logout }, 'Log out'),
        ]
      : []),
  );
}

async function logout() {
  try {
    await api('DELETE', '/session');
  } catch {
    // Gone already: the login page is what we want anyway.
  }
  state.user = undefined;
  setCsrfToken('');
  navigate('#/login');
}

function currentPath() {
  const path = location.hash.replace(/^#/, '') || '/';
  return path.split('?')[0];
}

/** Renders the page of the current hash, after checking the session and the role. */
async function route() {
  state.cleanup?.();
  state.cleanup = undefined;
  const path = currentPath();
  if (!state.user && path !== '/login') {
    try {
      const session = await api('GET', '/session');
      state.user = session.user;
      setCsrfToken(session.csrfToken);
    } catch {
      navigate('#/login');
      return;
    }
  }
  renderChrome();
  fill(main);
  if (path === '/login') {
    document.title = 'Log in: Mailroom console';
    renderLogin(main, {
      onLogin(session) {
        state.user = session.user;
        setCsrfToken(session.csrfToken);
        navigate(session.user.role === 'moderator' ? '#/moderation' : '#/');
      },
    });
    return;
  }
  const user = state.user;
  const found = ROUTES.map((entry) => ({ entry, match: entry.pattern.exec(path) })).find(({ match }) => match);
  if (!found?.entry.roles.includes(user.role)) {
    document.title = 'Not found: Mailroom console';
    main.append(
      h('h1', { tabindex: '-1' }, 'Not found'),
      h('p', {}, 'There is no such page here.'),
      h('p', {}, h('a', { href: NAV.find(([, , roles]) => roles.includes(user.role))[0] }, 'Go to the start page')),
    );
    focusHeading();
    return;
  }
  const params = found.match.slice(1).map((value) => (value === undefined ? undefined : decodeURIComponent(value)));
  document.title = `${found.entry.title}: Mailroom console`;
  const context = { user, navigate, announce, params };
  try {
    state.cleanup = await found.entry.render(main, context);
  } catch (error) {
    // A page that could not load (a list outside your role is 404) still has its heading.
    fill(main, h('h1', {}, found.entry.title), h('div', { class: 'error', role: 'alert' }, h('p', {}, error.message ?? String(error))));
  }
  focusHeading();
}

/** Moves focus to the page's heading after a navigation, so keyboard and screen reader users start there. */
function focusHeading() {
  const heading = main.querySelector('h1');
  if (!heading) return;
  heading.setAttribute('tabindex', '-1');
  if (!main.contains(document.activeElement) || document.activeElement === document.body) heading.focus();
}

window.addEventListener('hashchange', () => void route());
window.addEventListener('mailroom:unauthorized', () => {
  state.user = undefined;
  if (currentPath() !== '/login') navigate('#/login');
});
void route();
