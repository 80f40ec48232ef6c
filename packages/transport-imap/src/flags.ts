/** The system flags a client may set on APPEND (`\Recent` is the server's alone). */
export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

// RFC 3501 atom-specials: ( ) { SP CTL % * " \ ] ; atoms are 7-bit, so anything
// outside printable ASCII is refused as well.
const ATOM_SPECIALS = /[(){%*"\\\]]/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The form an IMAP server accepts for one flag, or undefined when it is not a
 * flag: a system flag in any capitalisation becomes its canonical form
 * (`\seen` -> `\Seen`); a keyword (`$Forwarded`, `Archived`) must be an IMAP atom.
 */
export function normalizeFlag(flag: string): string | undefined {
  if (flag.startsWith('\\')) {
    const lower = flag.toLowerCase();
    return SYSTEM_FLAGS.find((system) => system.toLowerCase() === lower);
  }
  return PRINTABLE_ASCII.test(flag) && !ATOM_SPECIALS.test(flag) ? flag : undefined;
}
