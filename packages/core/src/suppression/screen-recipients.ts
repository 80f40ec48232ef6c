import { importPackage, isMissing } from '../configuration/component-loader.js';
import { MailConfigurationError } from '../errors/configuration-error.js';
import { RecipientsSuppressedError } from '../errors/recipients-suppressed-error.js';
import type { Message } from '../message/message.js';
import type { SuppressedRecipient, SuppressionCheck, SuppressionProvider } from './suppression-check.js';

/** The package `suppression.store` loads its check from. */
export const SUPPRESSION_PACKAGE = '@mailroom/lists';

/**
 * Asks the check about every envelope recipient of `message` and leaves the suppressed out
 * of its envelope (`message.excludeRecipients`).
 * @returns the recipients left out, with their reasons (empty when none).
 * @throws {RecipientsSuppressedError} `ESUPPRESSED` when no recipient is left.
 */
export async function screenRecipients(check: SuppressionCheck, message: Message): Promise<SuppressedRecipient[]> {
  message.excludeRecipients([]);
  const addresses = message.recipients.items.map((item) => item.address);
  const found = await check.suppressed(addresses, message);
  if (found.length === 0) return [];
  const suppressed = [...found];
  message.excludeRecipients(suppressed.map((entry) => entry.address));
  if (message.recipients.length === 0) throw new RecipientsSuppressedError(suppressed);
  return suppressed;
}

/**
 * Opens the check a `suppression.store` URL names, from `@mailroom/lists` (loaded only then).
 * @param key - the full dotted key, for errors.
 * @throws {MailConfigurationError} when `@mailroom/lists` is not installed.
 */
export async function openConfiguredCheck(url: string, key: string): Promise<SuppressionCheck> {
  let provider: SuppressionProvider;
  try {
    provider = (await importPackage(SUPPRESSION_PACKAGE)) as SuppressionProvider;
  } catch (cause) {
    if (!isMissing(cause, SUPPRESSION_PACKAGE)) throw cause;
    throw new MailConfigurationError(key, `a suppression store needs the package ${SUPPRESSION_PACKAGE}, which is not installed`, {
      expected: `run: npm install ${SUPPRESSION_PACKAGE}`,
      cause,
    });
  }
  return provider.openSuppressionCheck(url);
}
