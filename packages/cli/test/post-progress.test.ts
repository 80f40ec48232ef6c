import { describe, expect, it } from 'vitest';
import { rateAndEta } from '../src/commands/post-progress.js';

const progress = (settled: number, seconds: number, total = 1000, settledBefore = 0) => ({
  id: 'p1',
  total,
  seconds,
  settledBefore,
  pending: 0,
  sent: settled,
  failed: 0,
  skipped: 0,
});

describe('the post progress bar', () => {
  it('rates this run only (a resume starts from what was settled before) and estimates the time left', () => {
    expect(rateAndEta(progress(600, 2, 1000, 400))).toEqual({ rate: 100, eta: '4s' });
    expect(rateAndEta(progress(100, 1, 10_000))).toEqual({ rate: 100, eta: '1m39s' });
  });

  it('shows the real rate when the first report is the last (a post faster than one tick)', () => {
    expect(rateAndEta(progress(300, 0.1, 300))).toEqual({ rate: 3000, eta: '0s' });
  });

  it('has no estimate before anything settled', () => {
    expect(rateAndEta(progress(0, 0))).toEqual({ rate: 0, eta: '?' });
  });
});
