import { bullmqManager } from './manager.js';

export { JOB_NAME, jobIdOf, type MailJobData } from './job-data.js';
export { bullmqManager, createBullmqManager } from './manager.js';
export { type BullmqOptions, parseOptions, type WaitFor } from './options.js';
export type { DeliveredReport, FailureReport } from './outcome.js';
export type { RedisSettings } from './redis-settings.js';
export { createWorker, type MailWorker, type WorkerOptions } from './worker.js';

/** The manager definition, found by `manager.use: 'bullmq'`. */
export default bullmqManager;
