import { join } from 'node:path';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressFigures } from '../src/report/progress.js';
import { runCliOnTerminal } from './run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await temporaryFolder('progress');
});
afterAll(async () => {
  await removeFolder(dir);
});

/** Every frame of the bar a terminal showed: its rate and its eta. */
function frames(screen: string): { done: number; rate: number; eta: string }[] {
  // Without the terminal's control sequences (cursor moves, line clears).
  const text = screen.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '\n');
  return [...text.matchAll(/ (\d+)\/\d+ \| (\d+) msg\/s \| failed \d+ \| retries \d+ \| eta ([\dhms?]+)/g)].map((match) => ({
    done: Number(match[1]),
    rate: Number(match[2]),
    eta: match[3] as string,
  }));
}

describe('progress figures', () => {
  it('are the rate so far and the time the rest takes at that rate', () => {
    expect(progressFigures(250, 1000, 0.5)).toEqual({ rate: 500, eta: '2s' });
    expect(progressFigures(100, 10_000, 1)).toEqual({ rate: 100, eta: '1m39s' });
    expect(progressFigures(0, 1000, 0.1)).toEqual({ rate: 0, eta: '?' });
    expect(progressFigures(1000, 1000, 4)).toEqual({ rate: 250, eta: '0s' });
  });
});

describe('progress bars on a terminal', () => {
  it('mailroom stress shows a real rate and ETA while it runs, and a real rate at the end', async () => {
    const run = await runCliOnTerminal(['stress', '--manager', 'futures', '--workers', '2', '--latency', '2', '--messages', '800']);
    expect(run.code).toBe(0);
    const shown = frames(run.stdout);
    const last = shown.at(-1);
    expect(last).toMatchObject({ done: 800, eta: '0s' });
    expect(last?.rate).toBeGreaterThan(0);
    expect(shown.some((frame) => frame.done > 0 && frame.done < 800 && frame.rate > 0 && /^\d+s$/.test(frame.eta))).toBe(true);
  });

  it('mailroom demo shows a real rate at the end, not 0 msg/s', async () => {
    const run = await runCliOnTerminal(['demo', '--dir', join(dir, 'demo'), '--members', '300']);
    expect(run.code).toBe(0);
    // The post's bar: `demo [...] 100% 300/300 | sent 300 | failed 0 | 1234 msg/s | eta 0s`.
    const text = run.stdout.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '\n');
    const last = [...text.matchAll(/ (\d+)\/\d+ \| sent \d+ \| failed \d+ \| (\d+) msg\/s \| eta ([\dhms?]+)/g)]
      .map((match) => ({ done: Number(match[1]), rate: Number(match[2]), eta: match[3] as string }))
      .at(-1);
    expect(last).toMatchObject({ done: 300, eta: '0s' });
    expect(last?.rate).toBeGreaterThan(0);
  });
});
