/** The time source of a {@link DomainGate}, replaceable in tests by a fake one. */
export interface GateClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Calls `callback` after `milliseconds`; returns a handle for `cancel`. */
  schedule(callback: () => void, milliseconds: number): unknown;
  /** Cancels a scheduled call. */
  cancel(handle: unknown): void;
}

/** The real clock: `performance.now()` and timers. */
export const realClock: GateClock = {
  now: () => performance.now(),
  schedule: (callback, milliseconds) => setTimeout(callback, milliseconds),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
