import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { Address, type AddressInput, assertNoLineBreak } from '../address/address.js';
import { AddressList, type AddressListInput } from '../address/address-list.js';
import type { DeliveryResult, MessageSender } from '../contract/delivery-result.js';
import { MessageError } from '../errors/message-error.js';
import type { AttachOptions, Attachment } from './attachment.js';
import { type ComposeInput, composeBuffer, composeStream } from './compose.js';
import {
  assertFieldNames,
  checkAttachment,
  checkedAttachments,
  checkedBody,
  checkedDate,
  checkedEncoding,
  checkedId,
  checkedPriority,
  checkedRetries,
  checkedText,
} from './field-checks.js';
import { assertHeaderName, checkedHeaders } from './header-checks.js';
import type { Body, HeadersInput, MessageFields, Priority, RawMessageOptions, RawSource } from './message-fields.js';
import { messageIdOf, RawContent } from './raw-content.js';
import { grantMessageInternals } from './message-internals.js';

export type { RawMessageOptions } from './message-fields.js';

// Shared by every message until it is given its own (never changed in place).
const NO_HEADERS = Object.freeze([]) as unknown as [string, string][];
const NOBODY: ReadonlySet<string> = new Set();
const NO_FIELDS: MessageFields = Object.freeze({});

/**
 * An email message: build one from fields, or wrap an existing RFC 5322
 * message with {@link Message.raw}. Every setter validates at once: a bad
 * address, a CR or LF in a header value, or an unknown field throws a
 * {@link MessageError} before anything is sent.
 *
 * @example
 * const message = new Message({ author: 'Robot <robot@example.org>', to: 'alice@example.org', subject: 'Hi', plain: 'Hello' });
 * const mime = await message.toBuffer();
 */
export class Message {
  #author = AddressList.EMPTY;
  #to = AddressList.EMPTY;
  #cc = AddressList.EMPTY;
  #bcc = AddressList.EMPTY;
  #reply = AddressList.EMPTY;
  #notify = AddressList.EMPTY;
  #sender: Address | undefined;
  #organization: string | undefined;
  #priority: Priority | undefined;
  #headers: [string, string][] = NO_HEADERS;
  #subject: string | undefined;
  #encoding: string | undefined;
  #date: Date | undefined;
  #id: string | undefined;
  #retries: number | undefined;
  #raw: RawContent | undefined;
  #mailer: MessageSender | undefined;
  #plain: Body | undefined;
  #rich: Body | undefined;
  #attachments: Attachment[] = [];
  /** Lower-cased addresses left out of the envelope (the Mailer's suppression check). */
  #excluded: ReadonlySet<string> = NOBODY;
  /** The bytes core built for this message while it is being delivered (see built-bytes.ts). */
  #built: Buffer | undefined;
  /** Its bytes being built ahead of the manager (see build-message.ts's buildAhead). */
  #building: Promise<Buffer> | undefined;

  static {
    grantMessageInternals({
      built: (message) => message.#built,
      keepBuilt: (message, bytes) => {
        message.#built = bytes;
        if (bytes === undefined) message.#building = undefined;
      },
      building: (message) => message.#building,
      keepBuilding: (message, building) => {
        message.#building = building;
      },
      sharedBody: (message) => message.#raw?.sharedBody,
      fromMemory: (message) => message.#raw?.inMemory === true,
    });
  }
  /** The last {@link recipients} answer, and what it was made from (the lists are immutable: compared by identity). */
  #recipients: { to: AddressList; cc: AddressList; bcc: AddressList; excluded: ReadonlySet<string>; all: AddressList } | undefined;

  /**
   * @throws {MessageError} `EFIELD` for an unknown field; `EADDRESS`, `EHEADER` for bad values.
   */
  constructor(fields: MessageFields = NO_FIELDS) {
    if (fields !== NO_FIELDS) this.set(fields);
  }

  /**
   * Wraps an RFC 5322 message to be sent as it is, with an explicit envelope.
   * Headers can still be edited ({@link setHeader}, {@link removeHeader});
   * the body is never re-encoded.
   */
  static raw(source: RawSource, options: RawMessageOptions): Message {
    if (typeof options !== 'object' || options === null) {
      throw new MessageError('ERAW', 'Message.raw(source, { from, to }) needs the envelope: the sender and the recipients', {
        field: 'from',
      });
    }
    const message = new Message();
    message.#raw = new RawContent(source);
    message.#sender = Address.parse(options.from, 'from');
    message.#to = AddressList.parse(options.to, 'to');
    if (options.retries !== undefined) message.retries = options.retries;
    message.#id = options.id ?? messageIdOf(source) ?? randomUUID();
    return message;
  }

  /**
   * Sets several fields at once.
   * @throws {MessageError} `EFIELD` for an unknown field.
   */
  set(fields: MessageFields): this {
    assertFieldNames(fields);
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined) (this as Record<string, unknown>)[name] = value;
    }
    return this;
  }

  /** True for a message made by {@link Message.raw}. */
  get isRaw(): boolean {
    return this.#raw !== undefined;
  }

  get author(): AddressList {
    return this.#author;
  }
  set author(value: AddressListInput) {
    this.#composedOnly('author');
    this.#author = AddressList.parse(value, 'author');
  }
  get to(): AddressList {
    return this.#to;
  }
  set to(value: AddressListInput) {
    this.#to = AddressList.parse(value, 'to');
  }
  get cc(): AddressList {
    return this.#cc;
  }
  set cc(value: AddressListInput) {
    this.#cc = AddressList.parse(value, 'cc');
  }
  get bcc(): AddressList {
    return this.#bcc;
  }
  set bcc(value: AddressListInput) {
    this.#bcc = AddressList.parse(value, 'bcc');
  }
  get reply(): AddressList {
    return this.#reply;
  }
  set reply(value: AddressListInput) {
    this.#composedOnly('reply');
    this.#reply = AddressList.parse(value, 'reply');
  }
  get notify(): AddressList {
    return this.#notify;
  }
  set notify(value: AddressListInput) {
    this.#composedOnly('notify');
    this.#notify = AddressList.parse(value, 'notify');
  }
  get sender(): Address | undefined {
    return this.#sender;
  }
  set sender(value: AddressInput | undefined) {
    this.#sender = value === undefined ? undefined : Address.parse(value, 'sender');
  }

  /** The plain-text body (or a function producing it at delivery time). */
  get plain(): Body | undefined {
    return this.#plain;
  }
  set plain(value: Body | undefined) {
    this.#composedOnly('plain');
    this.#plain = checkedBody(value, 'plain');
  }
  /** The HTML body (or a function producing it at delivery time). */
  get rich(): Body | undefined {
    return this.#rich;
  }
  set rich(value: Body | undefined) {
    this.#composedOnly('rich');
    this.#rich = checkedBody(value, 'rich');
  }

  /**
   * Attachments and embedded images, in order. Setting it copies the list
   * (so a shared default is never changed by `attach()`); entries pushed
   * directly are checked when the MIME is built.
   */
  get attachments(): Attachment[] {
    return this.#attachments;
  }
  set attachments(value: readonly Attachment[]) {
    this.#composedOnly('attachments');
    this.#attachments = checkedAttachments(value);
  }

  get subject(): string | undefined {
    return this.#subject;
  }
  set subject(value: string | undefined) {
    this.#composedOnly('subject');
    this.#subject = checkedText(value, 'subject');
  }
  get organization(): string | undefined {
    return this.#organization;
  }
  set organization(value: string | undefined) {
    this.#composedOnly('organization');
    this.#organization = checkedText(value, 'organization');
  }
  get encoding(): string | undefined {
    return this.#encoding;
  }
  set encoding(value: string | undefined) {
    this.#composedOnly('encoding');
    this.#encoding = checkedEncoding(value);
  }

  get priority(): Priority | undefined {
    return this.#priority;
  }
  set priority(value: Priority | undefined) {
    this.#composedOnly('priority');
    this.#priority = checkedPriority(value);
  }

  get date(): Date | undefined {
    return this.#date;
  }
  /** Also takes an RFC 5322 or ISO 8601 string, kept as its instant. */
  set date(value: Date | string | undefined) {
    this.#composedOnly('date');
    this.#date = checkedDate(value);
  }

  get retries(): number | undefined {
    return this.#retries;
  }
  set retries(value: number | undefined) {
    this.#retries = checkedRetries(value);
  }

  /** The Message-ID without angle brackets, generated on first use. */
  get id(): string {
    this.#id ??= `${randomUUID()}@${this.#author.first?.envelope.split('@')[1] ?? 'mailroom.invalid'}`;
    return this.#id;
  }
  set id(value: string) {
    this.#id = checkedId(value);
  }

  /** Additional headers as name/value pairs. */
  get headers(): readonly (readonly [string, string])[] {
    return this.#headers;
  }
  set headers(value: HeadersInput) {
    this.#composedOnly('headers');
    this.#headers = checkedHeaders(value);
  }

  /** Replaces header `name` (in a raw message, in its header block). */
  setHeader(name: string, value: string): this {
    if (this.#raw) this.#raw.setHeader(name, value);
    else this.headers = [...this.#headers.filter(([key]) => key.toLowerCase() !== name.toLowerCase()), [name, value]];
    return this;
  }

  /** Adds header `name`, keeping any existing ones. */
  addHeader(name: string, value: string): this {
    if (this.#raw) this.#raw.addHeader(name, value);
    else this.headers = [...this.#headers, [name, value]];
    return this;
  }

  /** Removes header `name`. */
  removeHeader(name: string): this {
    assertHeaderName(name);
    if (this.#raw) this.#raw.removeHeader(name);
    else this.#headers = this.#headers.filter(([key]) => key.toLowerCase() !== name.toLowerCase());
    return this;
  }

  /**
   * Attaches a file. With one argument, `name` is a path read at delivery time;
   * otherwise `data` is the content and `name` the file name shown.
   */
  attach(name: string, data?: string | Buffer | Readable, options: AttachOptions = {}): this {
    this.#composedOnly('attachments');
    assertNoLineBreak(String(name), 'attachments');
    const filename = data === undefined ? basename(String(name)) : name;
    const attachment: Attachment = {
      filename,
      ...(data === undefined ? { path: name } : { content: data }),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
      inline: options.inline ?? false,
      ...(options.cid === undefined ? (options.inline ? { cid: filename } : {}) : { cid: options.cid }),
    };
    checkAttachment(attachment);
    this.#attachments.push(attachment);
    return this;
  }

  /** Embeds an image for the HTML body; reference it as `cid:<file name>`. */
  embed(name: string, data?: string | Buffer | Readable): this {
    return this.attach(name, data, { inline: true });
  }

  /** The envelope sender: `sender` if set, else the first author. */
  get envelope(): Address | undefined {
    return this.#sender ?? this.#author.first;
  }

  /** Every recipient (to, cc and bcc), without duplicates, less those {@link excludeRecipients} left out. */
  get recipients(): AddressList {
    const known = this.#recipients;
    const [to, cc, bcc, excluded] = [this.#to, this.#cc, this.#bcc, this.#excluded];
    if (known !== undefined && known.to === to && known.cc === cc && known.bcc === bcc && known.excluded === excluded) return known.all;
    const unique = to.concat(cc, bcc).unique();
    const out = (item: Address) => excluded.has(item.address.toLowerCase()) || excluded.has(item.envelope.toLowerCase());
    const all = excluded.size === 0 ? unique : new AddressList(unique.items.filter((item) => !out(item)));
    this.#recipients = { to, cc, bcc, excluded, all };
    return all;
  }

  /** Leaves these addresses (any case) out of the envelope, replacing those given before; headers still name them (the Mailer's suppression check). */
  excludeRecipients(addresses: Iterable<string>): this {
    this.#excluded = new Set([...addresses].map((address) => address.trim().toLowerCase()));
    return this;
  }

  /** The addresses {@link excludeRecipients} leaves out, lower-cased. */
  get excludedRecipients(): readonly string[] {
    return [...this.#excluded];
  }

  /**
   * The SMTP envelope in ASCII form: the envelope sender and every recipient,
   * with internationalized domains in punycode.
   * @throws {MessageError} when there is no sender or no recipient.
   */
  get smtpEnvelope(): { from: string; to: string[] } {
    this.validate();
    return { from: (this.envelope as Address).envelope, to: this.recipients.items.map((item) => item.envelope) };
  }

  /**
   * Checks that the message can be sent.
   * @throws {MessageError} `ENORECIPIENTS` or `ENOAUTHOR`.
   */
  validate(): void {
    if (this.recipients.length === 0) {
      throw new MessageError('ENORECIPIENTS', 'The message has no recipients: set to, cc or bcc', { field: 'to' });
    }
    if (!this.envelope) {
      throw new MessageError('ENOAUTHOR', 'The message has no author: set author (From) or sender', { field: 'author' });
    }
  }

  /** The message as RFC 5322 bytes; function bodies are evaluated now. */
  async toBuffer(): Promise<Buffer> {
    const built = this.#built;
    if (built) return built;
    return this.#raw ? this.#raw.toBuffer() : composeBuffer(this.#composeInput());
  }

  /** The message as a stream of RFC 5322 bytes. */
  async toStream(): Promise<Readable> {
    const built = this.#built;
    if (!this.#raw && !built) return composeStream(this.#composeInput());
    const { Readable: ReadableStream } = await import('node:stream');
    return ReadableStream.from([built ?? (await (this.#raw as RawContent).toBuffer())]);
  }

  /** Binds the message to a mailer, so that {@link send} works. Used by `mailer.new()`. */
  bind(mailer: MessageSender): this {
    this.#mailer = mailer;
    return this;
  }

  /**
   * Delivers the message through the mailer it is bound to.
   * @throws {MessageError} `EUNBOUND` when the message was not made by `mailer.new()` or bound.
   */
  send(): Promise<DeliveryResult> {
    if (!this.#mailer) {
      return Promise.reject(
        new MessageError('EUNBOUND', 'This message is not bound to a mailer: create it with mailer.new() or call mailer.send(message)'),
      );
    }
    return this.#mailer.send(this);
  }

  /**
   * A raw message is sent as its bytes: fields that would only change the
   * composed MIME are refused rather than silently ignored.
   */
  #composedOnly(field: string): void {
    if (this.#raw) {
      throw new MessageError(
        'ERAW',
        `${field} cannot be set on a raw message: edit its header block with setHeader(), addHeader() and removeHeader()`,
        { field },
      );
    }
  }

  #composeInput(): ComposeInput {
    // Entries may have been pushed straight into the array: check them now, before any byte is built.
    for (const attachment of this.#attachments) checkAttachment(attachment);
    return {
      author: this.#author,
      to: this.#to,
      cc: this.#cc,
      bcc: this.#bcc,
      reply: this.#reply,
      sender: this.#sender,
      notify: this.#notify,
      organization: this.#organization,
      priority: this.#priority,
      headers: this.#headers,
      subject: this.#subject,
      plain: this.#plain,
      rich: this.#rich,
      attachments: this.#attachments,
      encoding: this.#encoding,
      date: this.#date,
      id: this.id,
    };
  }
}
