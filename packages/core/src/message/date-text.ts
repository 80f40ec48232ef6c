const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 5322's obsolete zone names, in minutes east of UTC; military letters mean "unknown" (RFC 5322 4.3), read as UTC. */
const ZONES: Readonly<Record<string, number>> = {
  ut: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

// [day-of-week ","] day month year hour ":" minute [":" second] zone [(comment)], obsolete forms included.
const RFC5322 =
  /^\s*(?:[a-z]{3}\s*,\s*)?(\d{1,2})\s+([a-z]{3})\s+(\d{2,4})\s+(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2}))?\s+([+-]\d{4}|[a-z]{1,3})\s*(?:\([^()]*\)\s*)?$/i;
// YYYY-MM-DD, or with a time: THH:MM[:SS[.fraction]] and a zone (Z or ±HH[:MM]).
const ISO8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?))?$/i;

/** The instant of these UTC parts shifted by `offset` minutes, or undefined when a part is out of range. */
function instant(year: number, month: number, day: number, hour: number, minute: number, second: number, offset: number): Date | undefined {
  if (month < 0 || month > 11 || hour > 23 || minute > 59 || second > 60) return undefined;
  const utc = new Date(Date.UTC(year, month, day, hour, minute, Math.min(second, 59)));
  utc.setUTCFullYear(year); // Date.UTC reads years 0 to 99 as 1900 to 1999
  if (utc.getUTCDate() !== day || utc.getUTCMonth() !== month) return undefined; // 31 Feb
  return new Date(utc.getTime() - offset * 60_000);
}

function rfc5322(text: string): Date | undefined {
  const match = RFC5322.exec(text);
  if (!match) return undefined;
  const [, day, monthName, yearText, hour, minute, second, zone] = match as unknown as string[];
  const month = MONTHS.indexOf((monthName as string).toLowerCase());
  let year = Number(yearText);
  // Obsolete two- and three-digit years (RFC 5322 4.3).
  if ((yearText as string).length === 2) year += year < 50 ? 2000 : 1900;
  else if ((yearText as string).length === 3) year += 1900;
  const lowerZone = (zone as string).toLowerCase();
  let offset: number | undefined;
  if (/^[+-]\d{4}$/.test(lowerZone)) {
    const minutes = Number(lowerZone.slice(1, 3)) * 60 + Number(lowerZone.slice(3));
    if (Number(lowerZone.slice(3)) > 59) return undefined;
    offset = lowerZone.startsWith('-') ? -minutes : minutes;
  } else offset = ZONES[lowerZone] ?? (/^[a-ik-z]$/.test(lowerZone) ? 0 : undefined);
  if (offset === undefined) return undefined;
  return instant(year, month, Number(day), Number(hour), Number(minute), Number(second ?? 0), offset);
}

function iso8601(text: string): Date | undefined {
  const match = ISO8601.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  let offset = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
    if (Number(digits.slice(2) || 0) > 59) return undefined;
    offset = zone.startsWith('-') ? -minutes : minutes;
  }
  const date = instant(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0), offset);
  if (date && fraction) date.setTime(date.getTime() + Math.floor(Number(`0.${fraction}`) * 1000));
  return date;
}

/**
 * Reads a date-time as RFC 5322 writes it (`Tue, 1 Dec 2026 20:41:11 +0100`,
 * obsolete zone names and years included) or as ISO 8601 (`2026-12-01T20:41:11+01:00`,
 * `2026-12-01` for midnight UTC), keeping its instant. A time without a zone
 * names no instant and is not read; neither is anything the JavaScript Date
 * parser would guess at (`yesterday`, `1`).
 * @returns the instant, or undefined when `text` is neither.
 */
export function parseDateText(text: string): Date | undefined {
  return rfc5322(text) ?? iso8601(text);
}
