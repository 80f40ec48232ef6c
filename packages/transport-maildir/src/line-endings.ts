/**
 * The message with CRLF line ends turned into LF, the on-disk convention of
 * maildir writers and readers (qmail, Postfix, Dovecot, mutt). A lone CR is
 * kept. Returns the same Buffer when there is nothing to change.
 */
export function toUnixLineEndings(data: Buffer): Buffer {
  // latin1 maps each byte to one character and back, so this is byte-exact (and faster than copying line by line).
  const text = data.toString('latin1');
  return text.includes('\r\n') ? Buffer.from(text.replaceAll('\r\n', '\n'), 'latin1') : data;
}
