import type { DeliveryResult } from '../delivery-result.js';
import type { Message } from '../message/message.js';

/** One message on its way through a manager. */
export interface Job {
  readonly message: Message;
  /** Attempts made so far. */
  attempts: number;
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
  return { job: { message, attempts: 0, resolve, reject }, promise };
}
