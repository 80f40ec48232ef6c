import { mimeParts, partText } from '../mail/mime-parts.js';

/** One recipient of an RFC 3464 delivery status notification. */
export interface DsnRecipient {
  /** `Final-Recipient` (the address part of `rfc822; a@b`), lower-cased. */
  readonly finalRecipient?: string;
  /** `Original-Recipient`, lower-cased. */
  readonly originalRecipient?: string;
  /** `failed`, `delayed`, `delivered`, `relayed` or `expanded` (lower-cased). */
  readonly action: string;
  /** The enhanced status code, `5.1.1` (RFC 3463). */
  readonly status: string;
  /** `Diagnostic-Code`, as given. */
  readonly diagnostic?: string;
}

/** Reads RFC 822-style field blocks (`Name: value`, folded lines, blank lines between blocks). */
function fieldBlocks(text: string): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    if (/^[ \t]/.test(line) && current && last) {
      current.set(last, `${current.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) blocks.push((current = new Map()));
    last = line.slice(0, colon).trim().toLowerCase();
    if (!current.has(last)) current.set(last, line.slice(colon + 1).trim());
  }
  return blocks;
}

/** `rfc822; Alice@Example.com` -> `alice@example.com`. */
function addressOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const address = value
    .slice(value.indexOf(';') + 1)
    .trim()
    .replace(/^<|>$/g, '')
    .toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(address) ? address : undefined;
}

/**
 * The per-recipient blocks of an RFC 3464 delivery status notification: the
 * `message/delivery-status` part of a `multipart/report` (or of any message that has one).
 * Undefined when the message is not a DSN.
 */
export function parseDsn(raw: Buffer): DsnRecipient[] | undefined {
  const { parts } = mimeParts(raw);
  const report = parts.find((part) => part.type === 'message/delivery-status' || part.type === 'message/global-delivery-status');
  if (!report) return undefined;
  const recipients: DsnRecipient[] = [];
  for (const block of fieldBlocks(partText(report))) {
    const action = block.get('action')?.toLowerCase();
    if (action === undefined) continue; // the per-message block
    const status = /([245])\.(\d{1,3})\.(\d{1,3})/.exec(block.get('status') ?? '')?.[0] ?? (action === 'failed' ? '5.0.0' : '4.0.0');
    const finalRecipient = addressOf(block.get('final-recipient'));
    const originalRecipient = addressOf(block.get('original-recipient'));
    const diagnostic = block.get('diagnostic-code');
    recipients.push({
      action,
      status,
      ...(finalRecipient && { finalRecipient }),
      ...(originalRecipient && { originalRecipient }),
      ...(diagnostic && { diagnostic }),
    });
  }
  return recipients;
}
