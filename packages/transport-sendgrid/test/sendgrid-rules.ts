/** One `{ message, field }` entry of SendGrid's error body. */
export interface ApiError {
  message: string;
  field: string | null;
}

type Json = Record<string, unknown>;

const RESERVED_HEADERS = new Set([
  'x-sg-id',
  'x-sg-eid',
  'received',
  'dkim-signature',
  'content-type',
  'content-transfer-encoding',
  'to',
  'from',
  'subject',
  'reply-to',
  'cc',
  'bcc',
]);
// SendGrid takes ASCII addresses only (an IDN domain in punycode).
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** Checks an `{ email, name }` object; returns the email in lower case when it is valid. */
function address(value: unknown, field: string, errors: ApiError[]): string | undefined {
  if (!isObject(value) || typeof value.email !== 'string' || !EMAIL.test(value.email)) {
    errors.push({ message: 'Does not contain a valid address.', field: `${field}.email` });
    return undefined;
  }
  if (value.name !== undefined && typeof value.name !== 'string')
    errors.push({ message: 'The name must be a string.', field: `${field}.name` });
  return value.email.toLowerCase();
}

function headers(value: unknown, field: string, errors: ApiError[]): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    errors.push({ message: 'Headers must be an object of strings.', field });
    return;
  }
  for (const [name, text] of Object.entries(value)) {
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      errors.push({ message: `The header ${name} is reserved and cannot be set.`, field: `${field}.${name}` });
    if (typeof text !== 'string' || !/^[\x20-\x7e\t]*$/.test(text)) {
      errors.push({
        message: 'Header values must be strings, properly encoded if they hold Unicode characters.',
        field: `${field}.${name}`,
      });
    }
  }
}

/** Checks custom args; returns their size in bytes (the limit applies to all of them together). */
function customArgs(value: unknown, field: string, errors: ApiError[]): number {
  if (value === undefined) return 0;
  if (!isObject(value) || Object.values(value).some((item) => typeof item !== 'string')) {
    errors.push({ message: 'Custom args must be an object of strings.', field });
    return 0;
  }
  return Buffer.byteLength(JSON.stringify(value));
}

/** Checks personalizations; returns the size of their custom args. */
function personalizations(value: unknown, errors: ApiError[]): number {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push({ message: 'You must have at least one personalization.', field: 'personalizations' });
    return 0;
  }
  if (value.length > 1000) {
    errors.push({
      message: `The personalization block is limited to 1000 personalizations per API request. You have provided ${value.length} personalizations.`,
      field: 'personalizations',
    });
    return 0;
  }
  let recipients = 0;
  let argsSize = 0;
  for (const [index, personalization] of value.entries()) {
    const field = `personalizations.${index}`;
    if (!isObject(personalization)) {
      errors.push({ message: 'Each personalization must be an object.', field });
      continue;
    }
    if (!Array.isArray(personalization.to) || personalization.to.length === 0) {
      errors.push({
        message:
          'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
        field: `${field}.to`,
      });
    }
    const seen = new Set<string>();
    for (const kind of ['to', 'cc', 'bcc']) {
      const list = personalization[kind] ?? [];
      if (!Array.isArray(list)) {
        errors.push({ message: `The ${kind} field must be an array.`, field: `${field}.${kind}` });
        continue;
      }
      for (const [position, entry] of list.entries()) {
        recipients += 1;
        const email = address(entry, `${field}.${kind}.${position}`, errors);
        if (email && seen.has(email)) {
          errors.push({
            message: `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${email}] in the ${field}.${kind} field.`,
            field: `${field}.${kind}`,
          });
        }
        if (email) seen.add(email);
      }
    }
    headers(personalization.headers, `${field}.headers`, errors);
    argsSize += customArgs(personalization.custom_args, `${field}.custom_args`, errors);
  }
  if (recipients > 1000)
    errors.push({ message: 'There is a limit of 1000 total recipients (to + cc + bcc) per request.', field: 'personalizations' });
  return argsSize;
}

function content(value: unknown, errors: ApiError[]): void {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push({
      message:
        'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.',
      field: 'content',
    });
    return;
  }
  for (const [index, part] of value.entries()) {
    if (!isObject(part) || !nonEmpty(part.type))
      errors.push({ message: 'The content type cannot be blank.', field: `content.${index}.type` });
    if (!isObject(part) || !nonEmpty(part.value))
      errors.push({ message: 'The content value must be a string at least one character in length.', field: `content.${index}.value` });
  }
  const types = value.map((part) => (isObject(part) ? part.type : undefined));
  const [plain, html] = [types.indexOf('text/plain'), types.indexOf('text/html')];
  if (plain > 0 || (html >= 0 && html !== (plain === 0 ? 1 : 0))) {
    errors.push({
      message: 'If present, text/plain and text/html may only be provided once, and text/plain must come first, followed by text/html.',
      field: 'content',
    });
  }
}

function attachments(value: unknown, errors: ApiError[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    errors.push({ message: 'The attachments field must be an array.', field: 'attachments' });
    return;
  }
  for (const [index, attachment] of value.entries()) {
    const field = `attachments.${index}`;
    if (!isObject(attachment)) {
      errors.push({ message: 'Each attachment must be an object.', field });
      continue;
    }
    if (!nonEmpty(attachment.content) || !BASE64.test(attachment.content))
      errors.push({ message: 'The attachment content must be base64 encoded.', field: `${field}.content` });
    if (!nonEmpty(attachment.filename))
      errors.push({ message: 'The attachment filename parameter is required.', field: `${field}.filename` });
    if (attachment.type !== undefined && typeof attachment.type !== 'string')
      errors.push({ message: 'The attachment type must be a string.', field: `${field}.type` });
    if (attachment.disposition !== undefined && attachment.disposition !== 'inline' && attachment.disposition !== 'attachment') {
      errors.push({ message: 'The disposition of your attachment can be either "inline" or "attachment".', field: `${field}.disposition` });
    }
    if (attachment.disposition === 'inline' && !nonEmpty(attachment.content_id)) {
      errors.push({ message: 'The content_id parameter is required if your attachment is inline.', field: `${field}.content_id` });
    }
  }
}

function categories(value: unknown, errors: ApiError[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    errors.push({ message: 'Categories must be an array of strings.', field: 'categories' });
    return;
  }
  if (value.length > 10) errors.push({ message: 'You cannot have more than 10 categories per request.', field: 'categories' });
  if (value.some((item: string) => item.length > 255))
    errors.push({ message: 'A category cannot be more than 255 characters.', field: 'categories' });
  if (new Set(value).size !== value.length) errors.push({ message: 'The categories must be unique.', field: 'categories' });
}

/**
 * The checks SendGrid documents for `POST /v3/mail/send` (the Mail Send
 * reference, its Errors page and its limits), each giving an
 * `{ message, field }` error with the text paraphrased: personalizations 1 to
 * 1000, each with a `to` of at least one valid address and no address twice
 * across to/cc/bcc; at most 1000 recipients in all; a valid `from`; a subject
 * at the top or in every personalization; content of non-empty values with
 * text/plain first, then text/html; reply_to and reply_to_list not both;
 * attachments with base64 content and a filename, disposition inline or
 * attachment, a content_id for inline ones; headers neither reserved nor
 * non-ASCII; at most 10 unique categories of up to 255 characters; custom
 * args of strings, under 10,000 bytes in all.
 */
export function validateMail(body: unknown): ApiError[] {
  if (!isObject(body)) return [{ message: 'The request body must be a JSON object.', field: null }];
  const errors: ApiError[] = [];
  const argsSize = personalizations(body.personalizations, errors) + customArgs(body.custom_args, 'custom_args', errors);
  if (argsSize >= 10_000)
    errors.push({ message: 'The total length of custom arguments must be less than 10000 bytes.', field: 'custom_args' });
  address(body.from, 'from', errors);
  const everySubject =
    Array.isArray(body.personalizations) &&
    body.personalizations.length > 0 &&
    body.personalizations.every((item) => isObject(item) && nonEmpty(item.subject));
  if (!nonEmpty(body.subject) && !everySubject) {
    errors.push({
      message:
        'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      field: 'subject',
    });
  }
  content(body.content, errors);
  if (body.reply_to !== undefined && body.reply_to_list !== undefined) {
    errors.push({ message: 'The reply_to and reply_to_list fields are mutually exclusive.', field: 'reply_to' });
  }
  if (body.reply_to !== undefined) address(body.reply_to, 'reply_to', errors);
  if (Array.isArray(body.reply_to_list))
    for (const [index, entry] of body.reply_to_list.entries()) address(entry, `reply_to_list.${index}`, errors);
  attachments(body.attachments, errors);
  headers(body.headers, 'headers', errors);
  categories(body.categories, errors);
  return errors;
}
