import { SingleBar } from 'cli-progress';

/** A progress display: a live bar on a terminal, nothing elsewhere (logs and pipes stay clean). */
export interface Progress {
  update(done: number, detail?: Record<string, string | number>): void;
  stop(): void;
}

/** A bar on stderr when it is a terminal; a no-op otherwise. */
export function createProgress(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% {value}/{total} | {rate} msg/s | failed {failed} | retries {retries} | eta {eta_formatted}`,
    hideCursor: true,
    etaBuffer: 1000,
    fps: 10,
  });
  bar.start(total, 0, { rate: 0, failed: 0, retries: 0 });
  return {
    update: (done, detail = {}) => bar.update(done, detail),
    stop: () => bar.stop(),
  };
}
