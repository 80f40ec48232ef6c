import { type MailError, MessageFailedError, type RecipientRejection, TransportFailedError, type TransportReceipt } from '@mailroom/core';
import type { SMTPConnectionSendInfo } from 'nodemailer/lib/smtp-connection';
import type { SmtpClientError } from './errors.js';
import type { Redactor } from './redaction.js';

/** Sends the message to these recipients in one transaction; throws the client's error. */
export type SendTo = (recipients: string[]) => Promise<SMTPConnectionSendInfo>;

/** How recipients answered 4xx are retried, and how failures are reported. */
export interface RecipientPolicy {
  /** Passes after the first. */
  retries: number;
  /** Seconds before the first retry; doubled each time. */
  delay: number;
  /** `host:port`, for messages. */
  server: string;
  /** Maps a client error to our error classes. */
  mapError: (error: unknown) => MailError;
  /** Removes credentials from server replies. */
  redact: Redactor;
}

/** The SMTP server's words for who got the message and who did not. */
interface PassOutcome {
  accepted: string[];
  refusals: SmtpClientError[];
  response?: string;
}

function rejection(error: SmtpClientError, address: string, redact: Redactor): RecipientRejection {
  const entry: RecipientRejection = { address };
  if (error.responseCode) entry.code = error.responseCode;
  const text = error.response ?? error.message;
  if (text) entry.response = redact(text);
  return entry;
}

/** A queue id in a 250 reply such as `250 2.0.0 Ok: queued as 4F1x2` or `250 OK id=1abc`. */
function queueId(response: string | undefined): string | undefined {
  return response ? /(?:queued as|id=)\s*<?([^\s>]+)/i.exec(response)?.[1] : undefined;
}

const wait = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * Delivers to every recipient, reporting each one's fate. A recipient answered
 * 5xx is rejected for good; one answered 4xx is offered again, alone, up to
 * `policy.retries` times, so a deferral never resends to those who already
 * accepted. When nobody accepted: MessageFailed if every refusal was
 * permanent, TransportFailed (retry later) if any was temporary. Any other
 * failure before the first acceptance is thrown as `policy.mapError` maps it; after
 * one, the remaining recipients are reported rejected with that failure,
 * since retrying the whole message would deliver it twice.
 */
export async function deliverToRecipients(send: SendTo, recipients: string[], policy: RecipientPolicy): Promise<TransportReceipt> {
  const { redact } = policy;
  const accepted: string[] = [];
  const rejected: RecipientRejection[] = [];
  let pending = recipients;
  let response: string | undefined;
  for (let pass = 0; ; pass += 1) {
    let outcome: PassOutcome;
    try {
      const info = await send(pending);
      outcome = { accepted: info.accepted, refusals: (info.rejectedErrors ?? []) as SmtpClientError[], response: info.response };
    } catch (error) {
      const failure = error as SmtpClientError;
      if (failure.code === 'EENVELOPE' && failure.command === 'RCPT TO' && failure.rejectedErrors) {
        outcome = { accepted: [], refusals: failure.rejectedErrors };
      } else if (accepted.length === 0) {
        throw policy.mapError(error);
      } else {
        rejected.push(...pending.map((address) => rejection(failure, address, redact)));
        break;
      }
    }
    accepted.push(...outcome.accepted);
    if (outcome.response !== undefined) response = outcome.response;
    const deferred = outcome.refusals.filter((refusal) => (refusal.responseCode ?? 500) < 500);
    rejected.push(
      ...outcome.refusals
        .filter((refusal) => !deferred.includes(refusal))
        .map((refusal) => rejection(refusal, refusal.recipient ?? '', redact)),
    );
    if (deferred.length === 0 || pass >= policy.retries) {
      rejected.push(...deferred.map((refusal) => rejection(refusal, refusal.recipient ?? '', redact)));
      break;
    }
    if (policy.delay > 0) await wait(policy.delay * 2 ** pass);
    pending = deferred.map((refusal) => refusal.recipient ?? '');
  }
  if (accepted.length === 0) throw nobodyAccepted(rejected, policy.server);
  const receipt: TransportReceipt = { accepted, rejected };
  if (response !== undefined) {
    receipt.response = redact(response);
    const id = queueId(response);
    if (id !== undefined) receipt.messageId = id;
  }
  return receipt;
}

function nobodyAccepted(rejected: RecipientRejection[], server: string): MailError {
  const list = rejected.map((entry) => `${entry.address} (${entry.response ?? entry.code ?? 'refused'})`).join('; ');
  const first = rejected.find((entry) => (entry.code ?? 500) < 500) ?? rejected[0];
  const details = {
    command: 'RCPT TO',
    ...(first?.code ? { responseCode: first.code } : {}),
    ...(first?.response ? { response: first.response } : {}),
  };
  if (rejected.some((entry) => (entry.code ?? 500) < 500)) {
    return new TransportFailedError(`SMTP ${server}: no recipient accepted the message yet (some were deferred): ${list}`, details);
  }
  return Object.assign(new MessageFailedError(`SMTP ${server}: every recipient was refused: ${list}`, details), { rejected });
}
