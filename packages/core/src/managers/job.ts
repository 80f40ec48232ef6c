import type { DeliveryResult } from '../contract/delivery-result.js';
import { forgetBuiltBytes } from '../message/built-bytes.js';
import type { Message } from '../message/message.js';
import { domainOf } from './domains/throttle-signal.js';

/** One message on its way through a manager. */
export interface Job {
  readonly message: Message;
  /** Attempts made so far. */
  attempts: number;
  /** The destination domain whose limits apply (the first envelope recipient's). */
  readonly domain: string;
  /** Set when the domain gate admitted this job while it was parked: its next run needs no admission. */
  admitted?: boolean;
  resolve(result: DeliveryResult): void;
  reject(error: unknown): void;
}

/** A job and the promise its caller awaits. */
export function createJob(message: Message): { job: Job; promise: Promise<DeliveryResult> } {
  let resolve!: (result: DeliveryResult) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<DeliveryResult>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // Once settled, the message is the caller's again: later changes are built afresh.
  const settle =
    <T>(action: (value: T) => void) =>
    (value: T): void => {
      forgetBuiltBytes(message);
      action(value);
    };
  return { job: { message, attempts: 0, domain: domainOf(message), resolve: settle(resolve), reject: settle(reject) }, promise };
}
