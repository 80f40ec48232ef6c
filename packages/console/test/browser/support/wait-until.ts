/**
 * Polls `check` every 50 ms until it resolves true; rejects after `timeout` ms with `what`.
 * For the server side of a browser test (the maildir, the store); the page side uses Playwright's own waits.
 */
export async function waitUntil(check: () => Promise<boolean> | boolean, what = 'the condition', timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
