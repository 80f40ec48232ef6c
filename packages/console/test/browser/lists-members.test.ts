/// <reference lib="dom" />
// The functions given to page.evaluate run in Chromium: they see the DOM.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './support/chromium.js';
import { ACCOUNTS, type ConsoleServer, startConsoleServer } from './support/console-server.js';
import { pageProblems, logIn, openPage, scriptSources, screenshot, type WatchedPage } from './support/page-helpers.js';

const RED = 'red@lists.example.org';
const NEWS = 'news@lists.example.org';
const HOSTILE = '<script>alert(1)</script>';
const ready = chromiumAvailable();

describe.skipIf(!ready)('the console in Chromium: lists, members, import and escaping', () => {
  let browser: Browser;
  let running: ConsoleServer;
  let watched: WatchedPage;

  beforeAll(async () => {
    running = await startConsoleServer([{ address: RED, policy: 'members-only' }]);
    browser = await launchChromium();
    watched = await openPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('logs in through the form (a wrong password is refused with a message) and lands on the dashboard', async () => {
    const { page } = watched;
    await page.goto(`${running.url}/`);
    await page.getByRole('heading', { name: 'Log in to the Mailroom console' }).waitFor();
    expect(await pageProblems(page)).toEqual([]);
    await screenshot(page, 'login');
    await page.getByLabel('Username').fill(ACCOUNTS.operator.name);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong username or password');
    await logIn(page, running.url, ACCOUNTS.operator.name);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect(await pageProblems(page)).toEqual([]);
  });

  it('creates a list through the settings form; it is in the store with those settings', async () => {
    const { page } = watched;
    await page.getByRole('link', { name: 'Lists', exact: true }).click();
    await page.getByRole('heading', { name: 'Lists', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'New list' }).click();
    await page.getByRole('heading', { name: 'New list' }).waitFor();
    expect(await pageProblems(page)).toEqual([]);
    await page.getByLabel('Address').fill(NEWS);
    await page.getByLabel('Name', { exact: true }).fill('Newsletter');
    await page.getByLabel('Who may post').selectOption('moderated');
    await page.getByLabel('Moderators').fill('mod@example.org, second@example.org');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('link', { name: `Settings of ${NEWS}` }).waitFor();
    const created = await running.store.getList(NEWS);
    expect(created).toMatchObject({ name: 'Newsletter', policy: 'moderated', moderators: ['mod@example.org', 'second@example.org'] });
    expect(await pageProblems(page)).toEqual([]);
    await screenshot(page, 'lists');
    await page.getByRole('link', { name: `Settings of ${NEWS}` }).click();
    await page.getByRole('heading', { name: `Settings of ${NEWS}` }).waitFor();
    expect(await page.getByLabel('Address').inputValue()).toBe(NEWS);
    expect(await pageProblems(page)).toEqual([]);
    await screenshot(page, 'list-settings');
    await page.getByLabel('Subject prefix').fill('[News] ');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('heading', { name: 'Lists', level: 1 }).waitFor();
    expect((await running.store.getList(NEWS))?.prefix).toBe('[News] ');
  });

  it('imports a 10,000-row CSV: the progress bar follows the import job to its end, and the store has every row', async () => {
    const { page } = watched;
    const rows = Array.from({ length: 10_000 }, (_, index) => `user${String(index).padStart(5, '0')}@example.com,Person ${index}`);
    await page.goto(`${running.url}/#/lists/${encodeURIComponent(RED)}/members`);
    await page.getByRole('heading', { name: `Members of ${RED}` }).waitFor();
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(`address,name\n${rows.join('\n')}\n`) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const bar = page.locator('#import-progress');
    await page.waitForFunction(
      () => (document.getElementById('import-progress') as HTMLProgressElement | null)?.dataset.state === 'done',
      null,
      {
        timeout: 60_000,
      },
    );
    expect(await bar.evaluate((element: HTMLProgressElement) => [element.value, element.max])).toEqual([10_000, 10_000]);
    await expect(page.locator('.import-status').textContent()).resolves.toContain(
      'Import done. 10000 of 10000 rows: 10000 added, 0 already members',
    );
    expect(await running.store.countMembers(RED)).toBe(10_000);
    await page.getByText('10000 members', { exact: true }).waitFor();
  });

  it('searches members as one types (after a short pause) and pages with the keyset cursor', async () => {
    const { page } = watched;
    const addresses = () => page.locator('#members-results tbody th').allTextContents();
    await page.getByText('10000 members', { exact: true }).waitFor();
    expect(await addresses()).toHaveLength(50);
    expect((await addresses())[0]).toBe('user00000@example.com');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForFunction(() => document.querySelector('#members-results tbody th')?.textContent === 'user00050@example.com');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.waitForFunction(() => document.querySelector('#members-results tbody th')?.textContent === 'user00000@example.com');
    const searches: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (request.url().includes('/members?')) searches.push(new URL(request.url()).searchParams.get('q') ?? '');
    };
    page.on('request', onRequest);
    await page.getByLabel('Search members').pressSequentially('user0999', { delay: 20 });
    await page.waitForFunction(() => document.querySelectorAll('#members-results tbody th').length === 10);
    page.off('request', onRequest);
    expect(await addresses()).toEqual(Array.from({ length: 10 }, (_, index) => `user0999${index}@example.com`));
    // Debounced: not a request per key (eight keys), and the last one asked for the whole word.
    expect(searches.length).toBeLessThan(8);
    expect(searches.at(-1)).toBe('user0999');
    await page.getByLabel('Search members').fill('person 4242');
    await page.waitForFunction(() => document.querySelectorAll('#members-results tbody th').length === 1);
    expect(await addresses()).toEqual(['user04242@example.com']);
    expect(await pageProblems(page)).toEqual([]);
  });

  it('a member named <script>alert(1)</script>, added through the form, is shown as text: no dialog, no script element from data', async () => {
    const { page } = watched;
    await page.getByLabel('Address', { exact: true }).fill('mallory@example.net');
    await page.getByLabel('Name', { exact: true }).fill(HOSTILE);
    // The add is answered before the search starts (as a user sees "Added ..." first), so the
    // search cannot race the insert; a refused add fails here, with its status.
    const added = page.waitForResponse(
      (response) => response.request().method() === 'POST' && /\/members$/.test(new URL(response.url()).pathname),
    );
    await page.getByRole('button', { name: 'Add member' }).click();
    expect((await added).status()).toBe(201);
    await page.getByLabel('Search members').fill('mallory');
    const row = page.locator('#members-results tr[data-address="mallory@example.net"]');
    await row.waitFor();
    expect(await row.locator('td').first().textContent()).toBe(HOSTILE);
    expect((await running.store.getMember(RED, 'mallory@example.net'))?.name).toBe(HOSTILE);
    expect(await scriptSources(page)).toEqual(['/assets/app.js']);
    expect(watched.dialogs).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.getByLabel('Search members').fill('');
    await page.getByText('10001 members', { exact: true }).waitFor();
    await screenshot(page, 'members');
    // The export link streams every member as CSV, the hostile name quoted as data.
    const href = await page.getByRole('link', { name: 'Export the members as CSV' }).getAttribute('href');
    const csv = await page.evaluate(async (href) => (await fetch(href as string)).text(), href);
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(10_002);
    expect(lines[0]).toMatch(/^address,/);
    expect(lines.find((line) => line.startsWith('mallory@example.net,'))).toContain(HOSTILE);
  });

  it('disables and enables a member with its button', async () => {
    const { page } = watched;
    await page.getByLabel('Search members').fill('user00007');
    await page.getByRole('button', { name: 'Disable user00007@example.com' }).click();
    await page.getByRole('button', { name: 'Enable user00007@example.com' }).waitFor();
    expect((await running.store.getMember(RED, 'user00007@example.com'))?.enabled).toBe(false);
    await page.getByRole('button', { name: 'Enable user00007@example.com' }).click();
    await page.getByRole('button', { name: 'Disable user00007@example.com' }).waitFor();
    expect((await running.store.getMember(RED, 'user00007@example.com'))?.enabled).toBe(true);
  });

  it('refuses a state change without the CSRF token (403 problem), and nothing changes; the same request with it succeeds', async () => {
    const { page } = watched;
    const attempt = (withToken: boolean) =>
      page.evaluate(async (withToken) => {
        const session = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (withToken) headers['x-csrf-token'] = session.csrfToken;
        const response = await fetch('/api/v1/lists', {
          method: 'POST',
          headers,
          body: JSON.stringify({ address: 'csrf@lists.example.org' }),
        });
        return { status: response.status, type: response.headers.get('content-type') };
      }, withToken);
    const refused = await attempt(false);
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
    expect(await running.store.getList('csrf@lists.example.org')).toBeUndefined();
    expect((await attempt(true)).status).toBe(201);
    expect(await running.store.getList('csrf@lists.example.org')).toBeDefined();
  });
});
