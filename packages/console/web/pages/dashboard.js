// The dashboard: posts in progress (live over SSE) and deliveries per transport over time.
import { api, segment } from '../api.js';
import { barChart } from '../chart.js';
import { fill, h, when } from '../dom.js';
import { subscribe } from '../events.js';
import { postProgress } from '../progress.js';
import { messageBox, table, tableRow } from '../ui.js';

/** One row of the posts table. */
function postRow(post) {
  return {
    attributes: { 'data-post-id': post.id },
    cells: [
      h('a', { href: `#/posts/${segment(post.id)}` }, post.subject || '(no subject)'),
      post.list,
      post.state,
      postProgress(post),
      when(post.startedAt),
    ],
  };
}

function postsTable(posts) {
  if (posts.length === 0) return h('p', {}, 'No posts yet.');
  return table('Posts, newest first', ['Post', 'List', 'State', 'Progress', 'Started'], posts.map(postRow), { captionHidden: true });
}

/** Groups the stats series by transport (one line for delivered and one for failed each). */
function chartLines(series) {
  const groups = new Map();
  for (const point of series) {
    const name = point.transport ?? 'all';
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(point);
  }
  const lines = [];
  for (const [name, points] of groups) {
    const suffix = name === 'all' ? '' : ` (${name})`;
    lines.push({ label: `Delivered${suffix}`, points: points.map((point) => ({ at: point.at, value: point.delivered })) });
    lines.push({ label: `Failed${suffix}`, points: points.map((point) => ({ at: point.at, value: point.failed })) });
  }
  return lines;
}

function statsSection(stats) {
  const series = stats.series ?? [];
  const transports = stats.transports ?? [];
  const domains = stats.domains ?? [];
  if (series.length === 0 && transports.length === 0) return [h('p', {}, 'No deliveries recorded yet.')];
  return [
    series.length > 0 ? barChart('Deliveries and failures per minute', chartLines(series)) : null,
    transports.length > 0
      ? table(
          'Per transport',
          ['Transport', 'Delivered', 'Failed'],
          transports.map((transport) => [transport.name, String(transport.delivered), String(transport.failed)]),
        )
      : null,
    domains.length > 0
      ? table(
          'Per recipient domain',
          ['Domain', 'Delivered', 'Failed', 'Throttled'],
          domains.map((domain) => [domain.domain, String(domain.delivered), String(domain.failed), String(domain.throttled ?? 0)]),
        )
      : null,
  ];
}

/** Renders the dashboard; returns the function that closes its event stream. */
export async function renderDashboard(main) {
  const messages = messageBox();
  const postsBox = h('div', { id: 'posts' });
  const statsBox = h('div', { id: 'stats' });
  main.append(
    h('h1', {}, 'Dashboard'),
    messages.box,
    h('section', { 'aria-labelledby': 'posts-heading' }, h('h2', { id: 'posts-heading' }, 'Posts'), postsBox),
    h('section', { 'aria-labelledby': 'stats-heading' }, h('h2', { id: 'stats-heading' }, 'Deliveries'), statsBox),
  );
  const posts = new Map();
  const drawPosts = () => fill(postsBox, postsTable([...posts.values()]));
  const [postsAnswer, stats] = await Promise.all([
    api('GET', '/posts').catch((error) => {
      messages.error(error);
      return { items: [] };
    }),
    api('GET', '/stats').catch(() => ({ transports: [], domains: [], series: [] })),
  ]);
  for (const post of postsAnswer.items) posts.set(post.id, post);
  drawPosts();
  fill(statsBox, ...statsSection(stats).filter(Boolean));
  return subscribe({
    post(post) {
      const known = posts.has(post.id);
      posts.set(post.id, { ...posts.get(post.id), ...post });
      if (!known) {
        // Newest first: a new post goes to the top.
        const rest = [...posts.entries()].filter(([id]) => id !== post.id);
        posts.clear();
        posts.set(post.id, post);
        for (const [id, value] of rest) posts.set(id, value);
        drawPosts();
        return;
      }
      const row = postsBox.querySelector(`tr[data-post-id="${CSS.escape(post.id)}"]`);
      if (row) row.replaceWith(tableRow(postRow(posts.get(post.id))));
      else drawPosts();
    },
    stats(next) {
      fill(statsBox, ...statsSection(next).filter(Boolean));
    },
  });
}
