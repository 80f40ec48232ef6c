/** A DMARC policy (RFC 7489 section 6.3, the `p=` and `sp=` values). */
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

/** The parts of a DMARC record the list server acts on. */
export interface DmarcRecord {
  /** The domain's own policy (`p=`); a record without a valid one reads as `none` (RFC 7489 section 6.6.3). */
  readonly p: DmarcPolicy;
  /** The policy for subdomains without a record of their own (`sp=`), when given and valid. */
  readonly sp?: DmarcPolicy;
}

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];

/**
 * Parses one TXT record as a DMARC record. RFC 7489 section 6.4: `v=DMARC1` must be the first
 * tag and match exactly, or the whole record is ignored; tag names are read case-insensitively
 * and unknown tags are skipped.
 * @returns undefined when it is not a DMARC record (another TXT record, or a malformed one).
 */
export function parseDmarcRecord(text: string): DmarcRecord | undefined {
  const tags = text.split(';').map((tag) => tag.trim());
  const first = /^v\s*=\s*(.*)$/i.exec(tags[0] ?? '');
  if (first?.[1] !== 'DMARC1') return undefined;
  const values = new Map<string, string>();
  for (const tag of tags.slice(1)) {
    const equals = tag.indexOf('=');
    if (equals <= 0) continue;
    const name = tag.slice(0, equals).trim().toLowerCase();
    if (!values.has(name))
      values.set(
        name,
        tag
          .slice(equals + 1)
          .trim()
          .toLowerCase(),
      );
  }
  const policy = (name: string) => {
    const value = values.get(name);
    return value !== undefined && POLICIES.includes(value) ? (value as DmarcPolicy) : undefined;
  };
  const sp = policy('sp');
  return { p: policy('p') ?? 'none', ...(sp && { sp }) };
}

/**
 * The DMARC record among the TXT records at one `_dmarc` name (each record given as its
 * character strings, as `resolveTxt` returns them, joined here without separators).
 * @returns `absent` when none is a DMARC record, `multiple` when more than one is (RFC 7489
 * section 6.6.3: no policy then, and no falling back to the organizational domain), or the record.
 */
export function pickDmarcRecord(records: readonly (readonly string[])[]): DmarcRecord | 'absent' | 'multiple' {
  const found = records.map((chunks) => parseDmarcRecord(chunks.join(''))).filter((record) => record !== undefined);
  if (found.length === 0) return 'absent';
  if (found.length > 1) return 'multiple';
  return found[0] as DmarcRecord;
}
