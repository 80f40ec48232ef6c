import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runStress } from '../src/commands/stress-run.js';
import { cliBuilt, runCli } from './run-cli.js';

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

  it('reports the wait in the queue apart from the delivery itself', async () => {
    // 2 workers, 2 ms per delivery, 400 messages submitted at once: most of a message's time is spent waiting.
    const report = await runStress({
      manager: 'futures',
      workers: 2,
      messages: 400,
      failure: 0,
      exhaustion: 0,
      latency: '2',
      progress: false,
    });
    expect(report.deliveryMs.p50).toBeGreaterThanOrEqual(1.9);
    expect(report.queueWaitMs.p50).toBeGreaterThan(report.deliveryMs.p50);
    expect(report.latencyMs.p50).toBeGreaterThan(report.deliveryMs.p50);
    expect(report.queueWaitMs.p99).toBeLessThanOrEqual(report.latencyMs.p99);
  });

  it('prints queue wait and delivery latency on their own rows, as a process', async () => {
    const run = await runCli(['stress', '--manager', 'futures', '--workers', '2', '--latency', '1', '--messages', '200']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^latency p50 \/ p95 \/ p99 \(ms\) +[\d.]+ \/ [\d.]+ \/ [\d.]+$/m);
    expect(run.stdout).toMatch(/^ +queue wait p50 \/ p95 \/ p99 \(ms\) +[\d.]+ \/ [\d.]+ \/ [\d.]+$/m);
    expect(run.stdout).toMatch(/^ +delivery p50 \/ p95 \/ p99 \(ms\) +[\d.]+ \/ [\d.]+ \/ [\d.]+$/m);
  });

  it.runIf(cliBuilt())('prints the report as JSON on the last line with --json', async () => {
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
    expect(report).toHaveProperty('queueWaitMs.p50');
    expect(report).toHaveProperty('deliveryMs.p99');
    expect(report.messagesPerSecond).toBeGreaterThan(0);
  });

  it.runIf(cliBuilt())('refuses a bad option with a clear message', async () => {
    const error = await promisify(execFile)(process.execPath, [bin, 'stress', '--failure', '2']).catch(
      (caught: { stderr: string; code: number }) => caught,
    );
    expect((error as { stderr: string }).stderr).toMatch(/probability from 0 to 1/);
    expect((error as { code: number }).code).not.toBe(0);
  });
});
