/** Decodes RFC 2047 encoded words (`=?UTF-8?B?...?=`) in a header value for display; an unknown charset is left as it is. */
export function decodeHeader(value: string): string {
  return value.replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=(\s+(?==\?))?/g, (word, charset: string, encoding: string, text: string) => {
    try {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
              'latin1',
            );
      return new TextDecoder(charset.split('*')[0] as string).decode(bytes);
    } catch {
      return word;
    }
  });
}
