const CR = 0x0d;
const LF = 0x0a;

/**
 * Returns `content` with every bare LF turned into CRLF, as IMAP requires of
 * an appended message. Some servers (Cyrus, for one) refuse bare newlines;
 * composed messages already use CRLF, so the common case returns the same
 * buffer without copying.
 */
export function toCrlf(content: Buffer): Buffer {
  let bare = 0;
  for (let index = content.indexOf(LF); index !== -1; index = content.indexOf(LF, index + 1)) {
    if (index === 0 || content[index - 1] !== CR) bare += 1;
  }
  if (bare === 0) return content;
  const result = Buffer.allocUnsafe(content.length + bare);
  let written = 0;
  let start = 0;
  for (let index = content.indexOf(LF); index !== -1; index = content.indexOf(LF, index + 1)) {
    if (index > 0 && content[index - 1] === CR) continue;
    written += content.copy(result, written, start, index);
    result[written] = CR;
    written += 1;
    start = index;
  }
  written += content.copy(result, written, start);
  return result;
}
