const CRLF = Buffer.from('\r\n');

/**
 * The message with CRLF line ends turned into LF, the on-disk convention of
 * maildir writers and readers (qmail, Postfix, Dovecot, mutt). A lone CR is
 * kept. Returns the same Buffer when there is nothing to change.
 */
export function toUnixLineEndings(data: Buffer): Buffer {
  let at = data.indexOf(CRLF);
  if (at === -1) return data;
  const output = Buffer.allocUnsafe(data.length);
  let read = 0;
  let written = 0;
  while (at !== -1) {
    written += data.copy(output, written, read, at);
    output[written] = 0x0a;
    written += 1;
    read = at + 2;
    at = data.indexOf(CRLF, read);
  }
  written += data.copy(output, written, read);
  return output.subarray(0, written);
}
