import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runStress } from '../src/commands/stress-run.js';

const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');

describe('mailroom stress', () => {
  it.each(['immediate', 'futures', 'dynamic'] as const)('accounts for every message through %s', async (manager) => {
    const report = await runStress({
      manager,
      workers: 4,
      messages: 3000,
      failure: 0.05,
      exhaustion: 0.01,
      latency: '0',
      seed: 1,
      progress: false,
    });
    expect(report.delivered + report.failed).toBe(3000);
    expect(report.retries).toBeGreaterThan(0);
    expect(report.transportsCreated).toBeGreaterThan(1);
    expect(report.latencyMs.p50).toBeLessThanOrEqual(report.latencyMs.p99);
  });

  it('is reproducible with a seed', async () => {
    const options = {
      manager: 'futures' as const,
      workers: 1,
      messages: 2000,
      failure: 0.1,
      exhaustion: 0,
      latency: '0',
      seed: 42,
      progress: false,
    };
    const first = await runStress(options);
    const second = await runStress(options);
    expect([second.delivered, second.failed, second.retries]).toEqual([first.delivered, first.failed, first.retries]);
  });

  it('fails every message when the transport always fails, with bounded retries', async () => {
    const report = await runStress({
      manager: 'dynamic',
      workers: 2,
      messages: 50,
      failure: 1,
      exhaustion: 0,
      latency: '0',
      retries: 2,
      progress: false,
    });
    expect(report).toMatchObject({ delivered: 0, failed: 50, retries: 100 });
  });

  it.runIf(existsSync(bin))('prints the report as JSON on the last line with --json', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'stress',
      '--manager',
      'dynamic',
      '--workers',
      '4',
      '--messages',
      '5000',
      '--failure',
      '0.05',
      '--exhaustion',
      '0.01',
      '--seed',
      '1',
      '--json',
    ]);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(report.delivered + report.failed).toBe(5000);
    expect(report.retries).toBeGreaterThan(0);
    expect(report).toHaveProperty('transportsCreated');
    expect(report.messagesPerSecond).toBeGreaterThan(0);
  });

  it.runIf(existsSync(bin))('refuses a bad option with a clear message', async () => {
    const error = await promisify(execFile)(process.execPath, [bin, 'stress', '--failure', '2']).catch(
      (caught: { stderr: string; code: number }) => caught,
    );
    expect((error as { stderr: string }).stderr).toMatch(/probability from 0 to 1/);
    expect((error as { code: number }).code).not.toBe(0);
  });
});
