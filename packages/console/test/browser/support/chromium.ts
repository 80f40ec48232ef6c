import { execFileSync } from 'node:child_process';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (scripts/install-chromium.sh); `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether Chromium is installed. Outside CI a missing binary skips (with a line on
 * stderr); under `CI=true` it is a failure, never a skip.
 * @throws {Error} under CI when Chromium is missing.
 */
export function chromiumAvailable(): boolean {
  try {
    execFileSync(CHROMIUM, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true' || process.env.CI === '1')
      throw new Error(`Chromium is missing (${CHROMIUM}): run scripts/install-chromium.sh`);
    process.stderr.write(`SKIPPING the console's browser tests: Chromium is not installed at ${CHROMIUM} (scripts/install-chromium.sh)\n`);
    return false;
  }
}

/**
 * Launches Chromium headless through playwright-core (its own browser download is never used).
 * Chromium's sandbox refuses to run as root, so `--no-sandbox` is passed only then.
 */
export function launchChromium(): Promise<Browser> {
  const root = process.getuid?.() === 0;
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...(root ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-dev-shm-usage', '--renderer-process-limit=2'],
  });
}
