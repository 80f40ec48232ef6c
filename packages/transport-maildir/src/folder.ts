/**
 * The directory of a Maildir++ folder inside its maildir: `Lists.Red` ->
 * `.Lists.Red`; undefined for the top level (an empty name or `INBOX`).
 * An `INBOX.` prefix, as Courier and Dovecot show folders, is dropped.
 * @throws {Error} when the name has an empty part (leading, trailing or
 *   doubled dots, so `..` too), a `/` or `\`, or a control character: any of
 *   these could place the folder outside the maildir or make it unreadable.
 */
export function folderDirectory(folder: string): string | undefined {
  const name = folder.replace(/^INBOX(?:\.|$)/i, '');
  if (name === '') return undefined;
  if (/[/\\]/.test(name)) throw new Error('a folder name cannot contain "/" or "\\" (Maildir++ separates levels with dots)');
  if (/[\x00-\x1f\x7f]/.test(name)) throw new Error('a folder name cannot contain control characters');
  const parts = name.split('.');
  if (parts.some((part) => part === ''))
    throw new Error('a folder name cannot have empty parts (leading, trailing or doubled dots, such as "..")');
  return `.${parts.map(encodeModifiedUtf7).join('.')}`;
}

/**
 * Encodes a folder name part in IMAP's modified UTF-7 (RFC 3501 5.1.3), the
 * form Courier and Dovecot keep Maildir++ folder names in: printable ASCII
 * stays, `&` becomes `&-`, anything else becomes `&<base64 of UTF-16>-`.
 */
export function encodeModifiedUtf7(text: string): string {
  let output = '';
  let pending = '';
  const flush = () => {
    if (!pending) return;
    const utf16 = Buffer.from(pending, 'utf16le').swap16();
    output += `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = '';
  };
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      output += character === '&' ? '&-' : character;
    } else {
      pending += character;
    }
  }
  flush();
  return output;
}
