import { randomUUID } from 'node:crypto';
import { Message, MessageError, type SplitSource } from '@mailroom/core';
import type { List } from '../list/list.js';
import { batchByDomain } from './batches.js';
import { applyFooter, type FooterPlan, planFooter, renderFooter } from './footer.js';
import { fieldValue, type HeaderField, splitMessage } from './header-block.js';
import { REPLACED_FIELDS, sharedListFields, unsubscribeFields, unsubscribeUrl } from './list-headers.js';
import { assertNoLoop } from './loop.js';
import { subjectField } from './subject.js';
import { encodeVerp } from './verp.js';

/** A post parsed once, ready to be expanded into any number of deliveries. */
export interface PreparedPost {
  readonly list: List;
  /** The post's Message-ID without angle brackets (generated and added when it had none). */
  readonly messageId: string;
  /** The header block every copy shares (latin1 text, each field ending with its line end); the per-member fields follow it. */
  readonly sharedHead: string;
  /** The body every copy shares (with a static footer when the list has one and is not personalized). */
  readonly body: Buffer;
  /** The message's line end. */
  readonly eol: '\r\n' | '\n';
  /** Where a personalized footer goes; undefined when nothing is personalized. */
  readonly footer?: FooterPlan;
}

/** One member (or one address) to deliver to. */
export interface Recipient {
  address: string;
  name?: string;
  fields?: Record<string, string>;
}

/** One message for the Mailer, and the member addresses it covers. */
export interface Delivery {
  /** A `Message.raw` with the edited header block and the envelope (VERP sender when on). */
  message: Message;
  /** The member addresses this delivery covers. */
  recipients: readonly string[];
}

function replyToField(list: List): string | undefined {
  if (list.replyTo === 'none') return undefined;
  return `Reply-To: ${list.replyTo === 'list' ? list.address : list.replyTo.address}`;
}

/**
 * Parses a post once: checks for a loop, writes the subject prefix, replaces
 * any List-* fields with this list's, applies the Reply-To policy, adds
 * `Precedence: list` unless present and `X-Loop`, and keeps the body as
 * shared bytes.
 * @throws {LoopDetectedError} `ELOOP` when the post carries this list's X-Loop or List-Id.
 * @throws {MessageError} `ERAW` when `source` is neither a Buffer nor a string.
 */
export function preparePost(list: List, source: Buffer | string): PreparedPost {
  if (typeof source !== 'string' && !Buffer.isBuffer(source)) {
    throw new MessageError('ERAW', 'A post must be a Buffer or a string (read a stream into a Buffer first)');
  }
  const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  const { fields, eol, body } = splitMessage(bytes);
  assertNoLoop(list, fields);
  const personalized = list.personalize && list.footer !== undefined;
  const plan = list.footer === undefined ? undefined : planFooter(fields, body, eol);
  const reply = replyToField(list);
  const subject = fields.find((field) => field.name === 'subject');
  const out: string[] = [];
  const dropped = (field: HeaderField) =>
    REPLACED_FIELDS.has(field.name) ||
    (field.name === 'subject' && field !== subject) ||
    (reply !== undefined && field.name === 'reply-to') ||
    (plan !== undefined && plan.topFields.length > 0 && (field.name === 'content-type' || field.name === 'content-transfer-encoding'));
  for (const field of fields) {
    if (dropped(field)) continue;
    if (field === subject) out.push(subjectField(fieldValue(field), list.prefix, eol) ?? field.raw);
    else out.push(field.raw);
  }
  if (subject === undefined) {
    const added = subjectField(undefined, list.prefix, eol);
    if (added !== undefined) out.push(added);
  }
  const idField = fields.find((field) => field.name === 'message-id');
  let messageId = idField === undefined ? '' : fieldValue(idField).replace(/^<|>$/g, '');
  if (messageId === '') {
    messageId = `${randomUUID()}@${list.address.slice(list.address.lastIndexOf('@') + 1)}`;
    out.push(`Message-ID: <${messageId}>`);
  }
  if (plan !== undefined && plan.topFields.length > 0) {
    if (!fields.some((field) => field.name === 'mime-version')) out.push('MIME-Version: 1.0');
    out.push(...plan.topFields);
  }
  if (reply !== undefined) out.push(reply);
  out.push(...sharedListFields(list, eol));
  if (!fields.some((field) => field.name === 'precedence')) out.push('Precedence: list');
  out.push(`X-Loop: ${list.address}`);
  const sharedHead = out.map((field) => field + eol).join('');
  // A footer without member fields is the same for everyone: append it once.
  const shared =
    plan !== undefined && !personalized ? applyFooter(plan, body, renderFooter(list.footer as string, listValues(list))) : body;
  return { list, messageId, sharedHead, body: shared, eol, ...(personalized && { footer: plan }) };
}

function listValues(list: List, recipient?: Recipient, https?: string): Record<string, string> {
  return {
    ...recipient?.fields,
    name: recipient?.name ?? '',
    address: recipient?.address ?? '',
    unsubscribeUrl: https ?? `mailto:${list.requestAddress}?subject=unsubscribe`,
    listName: list.name,
    listAddress: list.address,
  };
}

/** The envelope sender of one member's copy: VERP when on and short enough for SMTP (64-octet local part). */
function envelopeSender(list: List, member: string): string {
  if (!list.verp) return list.bounceAddress;
  const verp = encodeVerp(list.bounceAddress, member);
  return verp.lastIndexOf('@') <= 64 ? verp : list.bounceAddress;
}

/** The whole header block of one copy: the shared fields, the member's fields and the empty line. */
function headOf(post: PreparedPost, memberHead: string): Buffer {
  return Buffer.from(`${post.sharedHead}${memberHead}${post.eol}${post.eol}`, 'latin1');
}

/** A raw message of a header block and the body: neither is copied (batches share one source too). */
function build(post: PreparedPost, source: SplitSource, from: string, to: string[]): Message {
  return Message.raw(source, { from, to, id: post.messageId });
}

// Per post, the source every copy shares when only the envelope differs between members (VERP without
// per-member unsubscribe URLs or footers): one header block for the whole post instead of one per member.
const commonSources = new WeakMap<PreparedPost, SplitSource>();

/** The source every copy of `post` shares when no header or footer differs per member; undefined otherwise. */
function commonSource(post: PreparedPost): SplitSource | undefined {
  if (post.list.unsubscribeUrl !== undefined || post.footer !== undefined) return undefined;
  let source = commonSources.get(post);
  if (source === undefined) {
    source = { head: headOf(post, unsubscribeFields(post.list, undefined, post.eol).join(post.eol)), body: post.body };
    commonSources.set(post, source);
  }
  return source;
}

/**
 * The deliveries for a page of recipients. When the list personalizes, uses
 * VERP or gives per-member unsubscribe URLs, one delivery per recipient;
 * otherwise recipients grouped per domain, at most `list.batchSize` each.
 * Only the header block differs between copies (and the footer part of a personalized body).
 * @throws {MessageError} `EADDRESS` for a recipient address that is not valid.
 */
export function deliveriesFor(post: PreparedPost, recipients: readonly Recipient[]): Delivery[] {
  return [...eachDelivery(post, recipients)];
}

/**
 * The deliveries of {@link deliveriesFor}, made one at a time as they are taken: a post
 * going out holds only the copies in flight, not a page of them.
 * @throws {MessageError} `EADDRESS` for a recipient address that is not valid, when its copy is made.
 */
export function* eachDelivery(post: PreparedPost, recipients: readonly Recipient[]): Generator<Delivery, void, undefined> {
  const { list, eol } = post;
  const perMember = list.personalize || list.verp || list.unsubscribeUrl !== undefined;
  if (!perMember) {
    const source = commonSource(post) as SplitSource;
    for (const batch of batchByDomain(recipients, list.batchSize, (recipient) => recipient.address)) {
      const to = batch.map((recipient) => recipient.address);
      yield { message: build(post, source, list.bounceAddress, to), recipients: to };
    }
    return;
  }
  const common = commonSource(post);
  for (const recipient of recipients) {
    const address = recipient.address;
    const to = [address];
    if (common !== undefined) {
      // VERP alone: each copy differs only in its envelope sender.
      yield { message: build(post, common, envelopeSender(list, address), to), recipients: to };
      continue;
    }
    const https = unsubscribeUrl(list, address);
    const memberHead = unsubscribeFields(list, https, eol).join(eol);
    const body =
      post.footer === undefined
        ? post.body
        : applyFooter(post.footer, post.body, renderFooter(list.footer as string, listValues(list, recipient, https)));
    const source = { head: headOf(post, memberHead), body };
    yield { message: build(post, source, envelopeSender(list, address), to), recipients: to };
  }
}
