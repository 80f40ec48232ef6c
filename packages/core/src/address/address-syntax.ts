/**
 * An RFC 5322 (section 3.4) reader for address lists, strict where a lenient
 * reader would guess: it returns each mailbox's display name and addr-spec,
 * flattening groups, or says why the text is not an address list. Comments
 * are comments (`alice(work)@example.org` is alice@example.org, no name),
 * except the old convention of a comment after a bare address, which names it
 * (`bob@example.org (Bob)`).
 */

type Token =
  | { kind: 'atom'; text: string }
  | { kind: 'quoted'; text: string; source: string }
  | { kind: 'literal'; text: string }
  | { kind: 'comment'; text: string }
  | { kind: 'special'; text: '<' | '>' | '@' | ',' | ';' | ':' };

/** One mailbox as written: its display name (possibly empty) and `local@domain`. */
export interface MailboxSyntax {
  name: string;
  address: string;
}

/** Why a text is not an address list, in words for an error message. */
export class AddressSyntaxError extends Error {}

const SPECIALS = new Set(['<', '>', '@', ',', ';', ':']);
// Not atext: white space, specials, quotes, comments, brackets, backslash.
const ATOM_END = /[\s()<>@,;:\\"[\]]/;

function readDelimited(text: string, start: number, close: string, nests: boolean): { end: number; content: string } {
  let depth = 1;
  let content = '';
  for (let index = start + 1; index < text.length; index += 1) {
    const char = text[index] as string;
    if (char === '\\') {
      index += 1;
      if (index >= text.length) break;
      content += text[index];
    } else if (char === close && --depth === 0) {
      return { end: index + 1, content };
    } else {
      if (nests && char === text[start]) depth += 1;
      content += char;
    }
  }
  throw new AddressSyntaxError(`an unclosed ${text[start]}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '(') {
      const { end, content } = readDelimited(text, index, ')', true);
      tokens.push({ kind: 'comment', text: content.trim() });
      index = end;
    } else if (char === '"') {
      const { end, content } = readDelimited(text, index, '"', false);
      tokens.push({ kind: 'quoted', text: content, source: text.slice(index, end) });
      index = end;
    } else if (char === '[') {
      const close = text.indexOf(']', index);
      if (close < 0) throw new AddressSyntaxError('an unclosed [');
      tokens.push({ kind: 'literal', text: text.slice(index, close + 1) });
      index = close + 1;
    } else if (SPECIALS.has(char)) {
      tokens.push({ kind: 'special', text: char as '<' });
      index += 1;
    } else if (char === ')' || char === ']' || char === '\\') {
      throw new AddressSyntaxError(`a stray ${char}`);
    } else {
      let end = index + 1;
      while (end < text.length && !ATOM_END.test(text[end] as string)) end += 1;
      tokens.push({ kind: 'atom', text: text.slice(index, end) });
      index = end;
    }
  }
  return tokens;
}

const is = (token: Token | undefined, text: string): boolean => token?.kind === 'special' && token.text === text;

/** `local@domain` from the tokens of an addr-spec (comments already removed). */
function addrSpec(tokens: readonly Token[]): string {
  const at = tokens.findIndex((token) => is(token, '@'));
  const local = tokens.slice(0, Math.max(at, 0));
  const domain = tokens.slice(at + 1);
  const [localToken] = local;
  const [domainToken] = domain;
  if (at < 0) throw new AddressSyntaxError('no @');
  if (local.length !== 1 || (localToken?.kind !== 'atom' && localToken?.kind !== 'quoted')) {
    throw new AddressSyntaxError(
      local.length > 1 ? 'words before the @ that are neither one local part nor a name in front of <...>' : 'no local part',
    );
  }
  if (domain.length !== 1 || (domainToken?.kind !== 'atom' && domainToken?.kind !== 'literal')) {
    throw new AddressSyntaxError(domain.length > 1 ? 'more after the domain (a display name goes in front of <...>)' : 'no domain');
  }
  return `${localToken.kind === 'quoted' ? localToken.source : localToken.text}@${domainToken.text}`;
}

function mailbox(tokens: readonly Token[]): MailboxSyntax {
  const open = tokens.findIndex((token) => is(token, '<'));
  const words = tokens.filter((token) => token.kind !== 'comment');
  if (open < 0) {
    // A bare addr-spec; a comment after it is the old way of giving the name.
    const last = tokens.at(-1);
    return { name: last?.kind === 'comment' ? last.text : '', address: addrSpec(words) };
  }
  const close = tokens.findIndex((token) => is(token, '>'));
  if (close < open) throw new AddressSyntaxError('a < without its >');
  const phrase = tokens.slice(0, open).filter((token) => token.kind !== 'comment');
  const after = tokens.slice(close + 1).filter((token) => token.kind !== 'comment');
  if (after.some((token) => is(token, '<'))) {
    throw new AddressSyntaxError('two <...> addresses in one mailbox (ambiguous: which one?)');
  }
  if (after.length > 0) throw new AddressSyntaxError('text after the <...> address');
  for (const word of phrase) {
    if (word.kind === 'special' && word.text === '@') {
      throw new AddressSyntaxError('an unquoted display name that holds an @ (ambiguous: quote the name)');
    }
    if (word.kind !== 'atom' && word.kind !== 'quoted') throw new AddressSyntaxError(`a ${word.text} in the display name`);
  }
  const inner = tokens.slice(open + 1, close).filter((token) => token.kind !== 'comment');
  return { name: phrase.map((word) => word.text).join(' '), address: addrSpec(inner) };
}

/**
 * Reads an address list (`a@x, "Doe, John" <j@y>, Team: c@z;`) into its
 * mailboxes, groups flattened; empty entries are skipped.
 * @throws {AddressSyntaxError} saying what is wrong.
 */
export function readAddressList(text: string): MailboxSyntax[] {
  const tokens = tokenize(text);
  const out: MailboxSyntax[] = [];
  let entry: Token[] = [];
  let group = false;
  const flush = (): void => {
    if (entry.some((token) => token.kind !== 'comment')) out.push(mailbox(entry));
    entry = [];
  };
  for (const token of tokens) {
    const inAngle = entry.some((item) => is(item, '<')) && !entry.some((item) => is(item, '>'));
    if (is(token, ',') && !inAngle) flush();
    else if (is(token, ':') && !inAngle) {
      // `display-name:` opens a group; its name is not a mailbox.
      if (group) throw new AddressSyntaxError('a group inside a group');
      if (entry.some((item) => item.kind !== 'atom' && item.kind !== 'quoted' && item.kind !== 'comment')) {
        throw new AddressSyntaxError('a : that does not follow a group name');
      }
      group = true;
      entry = [];
    } else if (is(token, ';') && !inAngle) {
      if (!group) throw new AddressSyntaxError('a ; that closes no group');
      flush();
      group = false;
    } else entry.push(token);
  }
  if (group) throw new AddressSyntaxError('a group without its closing ;');
  flush();
  return out;
}
