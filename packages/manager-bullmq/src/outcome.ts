import {
  DeliveryFailedError,
  type DeliveryResult,
  MailError,
  type Message,
  MessageFailedError,
  type RecipientRejection,
  TransportFailedError,
} from '@mailroom/core';

/** What a worker returns for a delivered job (the job's return value, as JSON). */
export interface DeliveredReport {
  transport: string;
  attempts: number;
  accepted: string[];
  rejected: RecipientRejection[];
  response?: string;
  messageId?: string;
  /** ISO date. */
  deliveredAt: string;
}

/** What a worker records (as the job's progress) before failing a job for good. */
export interface FailureReport {
  reason: string;
  attempts: number;
  /** The code of the transport's error: `EMESSAGE` for a refused message, `ETRANSPORT` otherwise. */
  code: string;
  /** The transport's own error message. */
  detail: string;
  responseCode?: number;
  statusCode?: number;
  response?: string;
}

/** The report of a DeliveryResult, for the job's return value. */
export function deliveredReport(result: DeliveryResult, attempts: number): DeliveredReport {
  return {
    transport: result.transport,
    attempts,
    accepted: result.accepted,
    rejected: result.rejected,
    ...(result.response === undefined ? {} : { response: result.response }),
    ...(result.messageId === undefined ? {} : { messageId: result.messageId }),
    deliveredAt: result.deliveredAt.toISOString(),
  };
}

/** The report of a failure for the sender, from the inner manager's DeliveryFailedError (or anything else). */
export function failureReport(error: unknown, attempts: number, permanent: boolean): FailureReport {
  const cause = error instanceof DeliveryFailedError ? error.cause : error;
  const facts = MailError.isMailError(cause) ? cause : undefined;
  const detail = cause instanceof Error ? cause.message : String(cause);
  const reason = permanent ? detail : `transport failed on all ${attempts} attempts; last error: ${detail}`;
  return {
    reason,
    attempts,
    code: facts?.code ?? (permanent ? 'EMESSAGE' : 'ETRANSPORT'),
    detail,
    ...(facts?.responseCode === undefined ? {} : { responseCode: facts.responseCode }),
    ...(facts?.statusCode === undefined ? {} : { statusCode: facts.statusCode }),
    ...(facts?.response === undefined ? {} : { response: facts.response }),
  };
}

/** The sender's DeliveryResult for a worker's report. */
export function deliveryResult(message: Message, report: DeliveredReport): DeliveryResult {
  return {
    message,
    transport: report.transport,
    attempts: report.attempts,
    accepted: report.accepted,
    rejected: report.rejected,
    ...(report.response === undefined ? {} : { response: report.response }),
    ...(report.messageId === undefined ? {} : { messageId: report.messageId }),
    deliveredAt: new Date(report.deliveredAt),
    receipt: { ...report },
  };
}

/**
 * The sender's DeliveryFailedError for a failed job, with the transport's
 * error rebuilt as its cause (MessageFailed or TransportFailed, same code and facts).
 * @param failedReason - BullMQ's reason, used when the worker could not record a report.
 */
export function deliveryFailure(message: Message, report: FailureReport | undefined, failedReason: string): DeliveryFailedError<Message> {
  if (!report) return new DeliveryFailedError(message, failedReason, { cause: new TransportFailedError(failedReason) });
  const facts = {
    ...(report.responseCode === undefined ? {} : { responseCode: report.responseCode }),
    ...(report.statusCode === undefined ? {} : { statusCode: report.statusCode }),
    ...(report.response === undefined ? {} : { response: report.response }),
  };
  const cause =
    report.code === 'EMESSAGE'
      ? new MessageFailedError(report.detail, facts)
      : report.code === 'ETRANSPORT'
        ? new TransportFailedError(report.detail, facts)
        : new MailError(report.code, report.detail, facts);
  return new DeliveryFailedError(message, report.reason, { ...facts, cause, attempts: report.attempts });
}
