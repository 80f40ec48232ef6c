import { describe, expect, it } from 'vitest';
import { rateAndEta } from '../src/commands/post-progress.js';

const progress = (settled: number, seconds: number, total = 1000) => ({
  id: 'p1',
  total,
  seconds,
  pending: 0,
  sent: settled,
  failed: 0,
  skipped: 0,
});

describe('the post progress bar', () => {
  it('rates this run only (a resume starts from what was settled before) and estimates the time left', () => {
    expect(rateAndEta(progress(600, 2), 400)).toEqual({ rate: 100, eta: '4s' });
    expect(rateAndEta(progress(100, 1, 10_000), 0)).toEqual({ rate: 100, eta: '1m39s' });
  });

  it('has no estimate before anything settled', () => {
    expect(rateAndEta(progress(0, 0), 0)).toEqual({ rate: 0, eta: '?' });
  });
});
