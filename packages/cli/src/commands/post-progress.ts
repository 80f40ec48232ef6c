import type { PostProgress } from '@mailroom/lists';
import { SingleBar } from 'cli-progress';
import { progressFigures } from '../report/progress.js';

/** A live bar for a post on a terminal's stderr (sent, failed, rate, ETA); nothing when not a terminal. */
export interface PostBar {
  update(progress: PostProgress): void;
  stop(): void;
}

/** The rate over this run and the time left at that rate, for the bar (the same figures as every bar). */
export function rateAndEta(progress: PostProgress): { rate: number; eta: string } {
  const settled = progress.sent + progress.failed + progress.skipped;
  const before = progress.settledBefore;
  return progressFigures(settled - before, Math.max(0, progress.total - before), progress.seconds);
}

/** A bar labelled `label` on `stream` when it is a terminal. */
export function createPostBar(label: string, stream: NodeJS.WriteStream = process.stderr): PostBar {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% {value}/{total} | sent {sent} | failed {failed} | {rate} msg/s | eta {etaText}`,
    hideCursor: true,
    fps: 10,
  });
  let started = false;
  return {
    update: (progress) => {
      const settled = progress.sent + progress.failed + progress.skipped;
      if (!started) {
        started = true;
        bar.start(progress.total, settled, { sent: 0, failed: 0, rate: 0, etaText: '?' });
      }
      const { rate, eta } = rateAndEta(progress);
      bar.setTotal(progress.total);
      bar.update(settled, { sent: progress.sent, failed: progress.failed, rate, etaText: eta });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
