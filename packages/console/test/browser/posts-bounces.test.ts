/// <reference lib="dom" />
// The functions given to page.evaluate run in Chromium: they see the DOM.
import { encodeVerp } from '@mailroom/lists';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './support/chromium.js';
import { ACCOUNTS, type ConsoleServer, startConsoleServer } from './support/console-server.js';
import { dsnMail } from '@mailroom/test-support';
import { deliveredTo, FOOTER, logIn, openPage, pageProblems, post, screenshot } from './support/page-helpers.js';
import { waitUntil } from './support/wait-until.js';

const RED = 'red@lists.example.org';
const GREEN = 'green@lists.example.org';
const MEMBERS = Array.from({ length: 40 }, (_, index) => `member${String(index).padStart(2, '0')}@example.com`);
const ready = chromiumAvailable();

describe.skipIf(!ready)('the console in Chromium: posts in progress, bounces, suppression', () => {
  let browser: Browser;
  let running: ConsoleServer;

  beforeAll(async () => {
    running = await startConsoleServer(
      [
        { address: RED, policy: 'members-only', personalize: true, footer: FOOTER, owner: ['oscar@example.org'] },
        { address: GREEN, policy: 'open' },
      ],
      // Ten deliveries a second: a post to 40 members takes about four seconds, long enough to watch.
      { 'manager.rate': 10, 'bounces.threshold': 1 },
    );
    await running.store.addMembers(
      RED,
      MEMBERS.map((address) => ({ address })),
    );
    await running.store.addMembers(RED, [{ address: 'bouncy@example.org', name: 'Bouncy' }]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('a post in progress shows live progress on the dashboard (pushed over SSE, no reload) and its ledger', async () => {
    const { page, errors } = await openPage(browser);
    await logIn(page, running.url, ACCOUNTS.operator.name);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByText('No posts yet.').waitFor();
    await page.evaluate(() => {
      (window as unknown as { unreloaded: boolean }).unreloaded = true;
    });
    await running.send(MEMBERS[0] as string, RED, post(MEMBERS[0] as string, RED, 'Live progress'));
    const progress = page.locator('tr', { hasText: 'Live progress' }).locator('progress');
    await progress.waitFor({ timeout: 20_000 });
    // Part way: some sent, not all (the rate limit keeps it running for seconds).
    await page.waitForFunction(
      () => {
        const bar = document.querySelector('tr[data-post-id] progress') as HTMLProgressElement | null;
        return bar !== null && bar.value > 0 && bar.value < bar.max;
      },
      null,
      { timeout: 20_000, polling: 50 },
    );
    await page.waitForFunction(
      () => document.querySelector('tr[data-post-id] .counts')?.textContent?.startsWith('41 sent, 0 failed, 0 pending of 41'),
      null,
      {
        timeout: 30_000,
      },
    );
    // The chart and the per-transport totals arrive with a `stats` event (every few seconds), still without a reload.
    await page.locator('svg.chart rect.bar').first().waitFor();
    await page.locator('#stats tr', { hasText: 'maildir' }).getByRole('cell', { name: '41', exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);
    await screenshot(page, 'dashboard');
    expect(await pageProblems(page)).toEqual([]);
    await page.getByRole('link', { name: 'Live progress' }).click();
    await page.getByRole('heading', { name: 'Live progress', level: 1 }).waitFor();
    await expect(page.locator('#post-summary').textContent()).resolves.toContain('41 sent, 0 failed, 0 pending of 41');
    await expect(page.locator('#post-state').textContent()).resolves.toBe('finished');
    await page.getByText('No failed deliveries.').waitFor();
    expect(await pageProblems(page)).toEqual([]);
    await screenshot(page, 'post');
    expect(await deliveredTo(running.maildir, '[red] Live progress')).toHaveLength(41);
    expect(errors).toEqual([]);
  });

  it('a member disabled by a bounce (not suppressed: its warnings must reach it) is shown with its score on the bounces page and re-enabled there', async () => {
    // The DSN comes back to the member's VERP address, as the bounce of a real delivery would.
    const verp = encodeVerp('red-bounces@lists.example.org', 'bouncy@example.org');
    await running.send('', verp, dsnMail({ to: verp, finalRecipient: 'bouncy@example.org' }));
    await waitUntil(
      async () => (await running.store.getMember(RED, 'bouncy@example.org'))?.enabled === false,
      'the bounce to disable the member',
    );
    const { page } = await openPage(browser);
    await logIn(page, running.url, ACCOUNTS.owner.name);
    await page.getByRole('link', { name: 'Bounces' }).click();
    const row = page.locator('tr[data-address="bouncy@example.org"]');
    await row.waitFor();
    // Bounce scoring disabled the member; the address is suppressed only when it is removed, after the warnings.
    expect(await running.store.getSuppression('bouncy@example.org')).toBeUndefined();
    expect(await row.locator('td').allTextContents()).toEqual(
      expect.arrayContaining(['1', expect.stringMatching(/^disabled (?!.*suppressed)/)]),
    );
    expect(await pageProblems(page)).toEqual([]);
    await screenshot(page, 'bounces');
    await page.getByRole('button', { name: 'Re-enable bouncy@example.org' }).click();
    // Re-enabling starts the member's bounce score again: the member leaves the bounces table.
    await page.getByText('No member of this list has bounced.').waitFor();
    await page.locator('#status', { hasText: /^bouncy@example\.org re-enabled$/ }).waitFor();
    expect(await running.store.getMember(RED, 'bouncy@example.org')).toMatchObject({ enabled: true });
    expect(await running.store.getBounceRecord(RED, 'bouncy@example.org')).toBeUndefined();
    // Enabled and not suppressed: the member gets the list's mail again.
    expect(await running.store.getSuppression('bouncy@example.org')).toBeUndefined();
    // An owner sees only their lists: green is not in the picker.
    expect(await page.getByLabel('Bounces of').locator('option').allTextContents()).toEqual([RED]);
  });

  it('the suppression page adds an address with a reason and a detail, lists it with its source and date, and removes it', async () => {
    const { page, errors } = await openPage(browser);
    await logIn(page, running.url, ACCOUNTS.operator.name);
    await page.getByRole('link', { name: 'Suppression' }).click();
    await page.getByRole('heading', { name: 'Suppression list', level: 1 }).waitFor();
    await page.getByText('No suppressed addresses.').waitFor();
    await page.getByLabel('Address', { exact: true }).fill('gone@example.com');
    await page.getByLabel('Reason', { exact: true }).selectOption('complaint');
    await page.getByLabel('Detail', { exact: true }).fill('asked by phone');
    await page.getByRole('button', { name: 'Suppress', exact: true }).click();
    const row = page.locator('tr[data-address="gone@example.com"]');
    await row.waitFor();
    // The address is the row's header cell; then reason, source, detail and the date it was added.
    expect(await row.locator('th').textContent()).toBe('gone@example.com');
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['complaint', 'console', 'asked by phone']);
    expect(cells[3]).toContain(String(new Date().getFullYear()));
    expect(await running.store.getSuppression('gone@example.com')).toMatchObject({
      reason: 'complaint',
      source: 'console',
      detail: 'asked by phone',
    });
    // A second entry from elsewhere, and the filter by reason.
    await running.store.suppress('left@example.com', { reason: 'unsubscribe', source: 'one-click', detail: RED });
    await page.getByLabel('Show', { exact: true }).selectOption('unsubscribe');
    await page.locator('tr[data-address="left@example.com"]').waitFor();
    expect(await row.count()).toBe(0);
    await page.getByLabel('Show', { exact: true }).selectOption('');
    await row.waitFor();
    expect(await pageProblems(page)).toEqual([]);
    await screenshot(page, 'suppression');
    await page.getByRole('button', { name: 'Remove gone@example.com from the suppression list' }).click();
    await row.waitFor({ state: 'detached' });
    await page.locator('#status', { hasText: 'gone@example.com removed from the suppression list' }).waitFor();
    expect(await running.store.getSuppression('gone@example.com')).toBeUndefined();
    await page.getByRole('button', { name: 'Remove left@example.com from the suppression list' }).click();
    await page.getByText('No suppressed addresses.').waitFor();
    expect(errors).toEqual([]);
  });
});
