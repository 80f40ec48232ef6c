/// <reference lib="dom" />
// The functions given to page.evaluate run in Chromium: they see the DOM.
import { readdir, readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { passwordOf } from './console-server.js';

const require = createRequire(import.meta.url);
const AXE = readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Where screenshots go: docs/images/ (they are the docs' pictures), or under `CI=true` a
 * temporary folder, so that a CI run leaves the tree as it was; `CONSOLE_SCREENSHOTS` overrides.
 */
export const SCREENSHOTS =
  process.env.CONSOLE_SCREENSHOTS ??
  (process.env.CI === 'true' || process.env.CI === '1'
    ? join(tmpdir(), 'mailroom-console-screenshots')
    : fileURLToPath(new URL('../../../../../docs/images/', import.meta.url)));

/** A page that records every JavaScript dialog (none may open: an alert means injected script ran). */
export interface WatchedPage {
  page: Page;
  /** Messages of the dialogs that opened (each dismissed at once). */
  dialogs: string[];
  /** Uncaught errors of the page's scripts. */
  errors: string[];
}

/** Opens a fresh context (its own cookies) and page at 1200x800, recording dialogs and page errors. */
export async function openPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
  // Long enough for a loaded CI machine (10 s timed out once), and inside vitest's 30 s, so a
  // failed wait names its locator instead of timing the test out.
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const watched: WatchedPage = { page, dialogs: [], errors: [] };
  page.on('dialog', (dialog) => {
    watched.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  return watched;
}

/** Logs in through the login form as `name` and waits for the first page after it. */
export async function logIn(page: Page, url: string, name: string): Promise<void> {
  await page.goto(`${url}/#/login`);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill(passwordOf(name));
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/**
 * What is wrong with the page as it stands: axe-core's violations (every rule it runs by
 * default: WCAG 2 A and AA and best practices) as `rule (help): selectors`, and any text node
 * that reads `null`, `undefined`, `NaN` or `[object Object]` (a value the page failed to render).
 * Empty when nothing is wrong.
 */
export async function pageProblems(page: Page): Promise<string[]> {
  // page.evaluate runs outside the page's CSP (script-src 'self'), so no script tag is needed.
  await page.evaluate(await AXE);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(context: Document): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document);
    const problems = result.violations.map(
      (violation) => `${violation.id} (${violation.help}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (/\b(null|undefined|NaN)\b|\[object Object\]/.test(node.textContent ?? '')) problems.push(`stray text: ${node.textContent}`);
    }
    return problems;
  });
}

/** Writes a full-page screenshot to `console-<name>.png` in {@link SCREENSHOTS}; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `console-${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
  return path;
}

/** The `<script>` elements of the page: only the console's own module may be there. */
export function scriptSources(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('script')].map((script) => script.getAttribute('src') ?? `inline: ${script.textContent}`),
  );
}

/**
 * Every message the maildir transport stored in `new/`, parsed by mailparser. A maildir keeps no
 * envelope: lists in these tests personalize a footer with `{address}`, which says whose copy it is.
 */
export async function readMaildir(maildir: string): Promise<{ subject: string; text: string }[]> {
  const folder = join(maildir, 'new');
  const names = await readdir(folder).catch(() => [] as string[]);
  const messages = [];
  for (const name of names) {
    const parsed = await simpleParser(await readFile(join(folder, name)));
    messages.push({ subject: parsed.subject ?? '', text: parsed.text ?? '' });
  }
  return messages;
}

/** The footer the tests' lists personalize (`{address}` names the member a copy went to). */
export const FOOTER = 'Delivered to {address}.';

/** The member addresses the copies of `subject` in the maildir went to (from {@link FOOTER}). */
export async function deliveredTo(maildir: string, subject: string): Promise<string[]> {
  return (await readMaildir(maildir))
    .filter((message) => message.subject === subject)
    .map((message) => /Delivered to (\S+)\./.exec(message.text)?.[1] ?? '?')
    .sort();
}

/** A small post from `from` to `to` (CRLF, with a Message-ID). */
export function post(from: string, to: string, subject: string, body = 'Hello all.\r\n', headers = ''): string {
  const id = `${Math.random().toString(36).slice(2)}@example.com`;
  return `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n${headers}\r\n${body}`;
}
