import { SingleBar } from 'cli-progress';

/** A progress display: a live bar on a terminal, nothing elsewhere (logs and pipes stay clean). */
export interface Progress {
  /** `done` of the total so far; `detail` fills the bar's other fields (`failed`, `retries`). */
  update(done: number, detail?: Record<string, string | number>): void;
  /** Draws the final frame (rate over the whole run, eta 0) and releases the terminal. */
  stop(): void;
}

/** Rate and ETA of `done` out of `total` after `seconds`: what the bar shows. */
export function progressFigures(done: number, total: number, seconds: number): { rate: number; eta: string } {
  const rate = seconds > 0 ? done / seconds : 0;
  if (done >= total) return { rate: Math.round(rate), eta: '0s' };
  if (rate === 0) return { rate: 0, eta: '?' };
  return { rate: Math.round(rate), eta: formatSeconds((total - done) / rate) };
}

function formatSeconds(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  return minutes < 60
    ? `${minutes}m${String(whole % 60).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * A bar on `stream` when it is a terminal; a no-op otherwise.
 * The rate and ETA are measured here, from the first call, so every caller shows real ones.
 */
export function createProgress(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% {value}/{total} | {rate} msg/s | failed {failed} | retries {retries} | eta {eta_text}`,
    hideCursor: true,
    fps: 10,
  });
  const started = performance.now();
  let last = 0;
  const shown = (done: number) => {
    const { rate, eta } = progressFigures(done, total, (performance.now() - started) / 1000);
    return { rate, eta_text: eta };
  };
  bar.start(total, 0, { failed: 0, retries: 0, ...shown(0) });
  return {
    update: (done, detail = {}) => {
      last = done;
      bar.update(done, { ...detail, ...shown(done) });
    },
    stop: () => {
      bar.update(last, shown(last));
      bar.stop();
    },
  };
}
