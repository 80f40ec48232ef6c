/// <reference lib="dom" />
// The functions given to page.evaluate run in Chromium: they see the DOM.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './support/chromium.js';
import { ACCOUNTS, type ConsoleServer, passwordOf, startConsoleServer } from './support/console-server.js';
import { pageProblems, deliveredTo, FOOTER, logIn, openPage, post, scriptSources, screenshot } from './support/page-helpers.js';
import { waitUntil } from './support/wait-until.js';

const RED = 'red@lists.example.org';
const BLUE = 'blue@lists.example.org';
const MEMBERS = ['ann@example.com', 'ben@example.net', 'cho@example.org'];
const HOSTILE_HTML = [
  '<p>Click <a href="javascript:alert(2)">here</a></p>',
  '<script>alert(1)</script><img src="x" onerror="alert(3)"><svg onload="alert(4)"></svg>',
].join('\r\n');

/** A multipart post with a text part and a hostile HTML part. */
function hostilePost(from: string, to: string, subject: string): string {
  const boundary = 'b0undary-1';
  return post(
    from,
    to,
    subject,
    [
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Plain words <script>alert(5)</script>',
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      HOSTILE_HTML,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    `MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n`,
  );
}

const ready = chromiumAvailable();

describe.skipIf(!ready)('the console in Chromium: the moderation queue', () => {
  let browser: Browser;
  let running: ConsoleServer;

  beforeAll(async () => {
    running = await startConsoleServer([
      { address: RED, policy: 'members-only', nonMembers: 'hold', personalize: true, footer: FOOTER, owner: ['oscar@example.org'] },
      { address: BLUE, policy: 'members-only', nonMembers: 'hold', personalize: true, footer: FOOTER },
    ]);
    await running.store.addMembers(
      RED,
      MEMBERS.map((address) => ({ address })),
    );
    await running.store.addMembers(BLUE, [{ address: 'dee@example.com' }]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  /** Sends a non-member post to `list` and waits until the server holds it. */
  async function hold(list: string, subject: string, raw?: string): Promise<void> {
    await running.send('stranger@example.net', list, raw ?? post('stranger@example.net', list, subject));
    const moderation = await running.server.moderation();
    await waitUntil(async () => (await moderation.list(list)).some((held) => held.subject === subject));
  }

  it('a post held by the members-only policy is in the queue; approving it delivers it to every member (read back from the maildir)', async () => {
    await hold(RED, 'Held by the policy');
    const { page, dialogs } = await openPage(browser);
    await logIn(page, running.url, ACCOUNTS.operator.name);
    await page.getByRole('link', { name: 'Moderation' }).click();
    await page.getByRole('heading', { name: 'Moderation queue' }).waitFor();
    await page.getByRole('heading', { name: 'Held by the policy', level: 2 }).waitFor();
    await expect(page.locator('#held-facts').textContent()).resolves.toContain(`the sender is not a member of ${RED}`);
    expect(await pageProblems(page)).toEqual([]);
    await screenshot(page, 'moderation');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('0 held', { exact: true }).waitFor();
    await waitUntil(async () => (await deliveredTo(running.maildir, '[red] Held by the policy')).length === MEMBERS.length);
    expect(await deliveredTo(running.maildir, '[red] Held by the policy')).toEqual([...MEMBERS].sort());
    expect(dialogs).toEqual([]);
  });

  it('a held post with hostile HTML renders as text, its HTML only in a sandboxed frame: no dialog, no script element from data', async () => {
    const subject = 'Hostile <img src=x onerror=alert(6)>';
    await hold(RED, subject, hostilePost('stranger@example.net', RED, subject));
    const { page, dialogs, errors } = await openPage(browser);
    await logIn(page, running.url, ACCOUNTS.operator.name);
    await page.goto(`${running.url}/#/moderation`);
    await page.getByRole('heading', { name: subject, level: 2 }).waitFor();
    expect(await page.locator('#held-detail pre.post-text').textContent()).toContain('Plain words <script>alert(5)</script>');
    await page.getByRole('button', { name: 'Show the HTML part' }).click();
    const frame = page.locator('iframe.post-html');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    const inner = page.frameLocator('iframe.post-html');
    await inner.locator('a').waitFor();
    // The frame runs no script: a click on the javascript: link does nothing either.
    await inner.locator('a').click();
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(await scriptSources(page)).toEqual(['/assets/app.js']);
    expect(await page.locator('#held-detail img, #held-detail svg').count()).toBe(0);
    expect(await pageProblems(page)).toEqual([]);
    await screenshot(page, 'moderation-html');
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.getByText('0 held', { exact: true }).waitFor();
  });

  it('keyboard only: log in, reach the queue, move with j/k, approve with a, reject with r and a reason; focus follows', async () => {
    await hold(RED, 'First in line');
    await hold(RED, 'Second in line');
    await hold(RED, 'Third in line');
    const { page } = await openPage(browser);
    await page.goto(`${running.url}/#/login`);
    await page.getByLabel('Username').waitFor();
    // The username field has focus on arrival.
    await page.keyboard.type(ACCOUNTS.operator.name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(passwordOf(ACCOUNTS.operator.name));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    // Tab from the top of the page to the Moderation link.
    for (let step = 0; step < 20; step += 1) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Moderation') break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'First in line', level: 2 }).waitFor();
    const focused = () =>
      page.evaluate(() => document.activeElement?.querySelector('.subject')?.textContent ?? document.activeElement?.tagName);
    await page.keyboard.press('j');
    await page.getByRole('heading', { name: 'Second in line', level: 2 }).waitFor();
    expect(await focused()).toBe('Second in line');
    await page.keyboard.press('k');
    await page.getByRole('heading', { name: 'First in line', level: 2 }).waitFor();
    await page.keyboard.press('j');
    await page.getByRole('heading', { name: 'Second in line', level: 2 }).waitFor();
    await page.keyboard.press('a');
    await page.getByText('2 held', { exact: true }).waitFor();
    // The next post is selected and has focus.
    await page.getByRole('heading', { name: 'Third in line', level: 2 }).waitFor();
    expect(await focused()).toBe('Third in line');
    await page.keyboard.press('r');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('reason');
    await page.keyboard.type('Please subscribe first');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('1 held', { exact: true }).waitFor();
    expect(await focused()).toBe('First in line');
    await waitUntil(async () => (await deliveredTo(running.maildir, '[red] Second in line')).length === MEMBERS.length);
    expect(await deliveredTo(running.maildir, '[red] Second in line')).toEqual([...MEMBERS].sort());
    expect(await deliveredTo(running.maildir, '[red] Third in line')).toEqual([]);
    const moderation = await running.server.moderation();
    expect((await moderation.list(RED)).map((held) => held.subject)).toEqual(['First in line']);
  });

  it('a moderator sees only the queue of their lists: another owner’s list is not found, in the page and in the API', async () => {
    await hold(BLUE, 'On the blue list');
    const { page } = await openPage(browser);
    await logIn(page, running.url, ACCOUNTS.moderator.name);
    await page.getByRole('heading', { name: 'Moderation queue' }).waitFor();
    const subjects = await page.locator('ul.held .subject').allTextContents();
    expect(subjects).toContain('First in line');
    expect(subjects).not.toContain('On the blue list');
    expect(await page.getByRole('link', { name: 'Lists', exact: true }).count()).toBe(0);
    const blueHeld = (await (await running.server.moderation()).list(BLUE))[0]?.id as string;
    const statuses = await page.evaluate(
      async ({ blue, id }) => {
        const session = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
        const status = async (path: string, method = 'GET') =>
          (await fetch(`/api/v1${path}`, { method, headers: { 'x-csrf-token': session.csrfToken } })).status;
        const list = encodeURIComponent(blue);
        return [
          await status(`/lists/${list}`),
          await status(`/lists/${list}/held`),
          await status(`/held/${id}`),
          await status(`/held/${id}/approve`, 'POST'),
        ];
      },
      { blue: BLUE, id: blueHeld },
    );
    expect(statuses).toEqual([404, 404, 404, 404]);
    expect((await (await running.server.moderation()).list(BLUE)).map((held) => held.subject)).toEqual(['On the blue list']);
    await page.goto(`${running.url}/#/moderation/${encodeURIComponent(BLUE)}`);
    await page.getByRole('alert').waitFor();
    expect(await page.locator('ul.held .subject').count()).toBe(0);
    expect(await pageProblems(page)).toEqual([]);
  });
});
