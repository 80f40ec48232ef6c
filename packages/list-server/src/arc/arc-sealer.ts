import { DEFAULT_DKIM_HEADERS, Message } from '@mailroom/core';
import type { Delivery, PreparedPost } from '@mailroom/lists';
import { authenticate, sealMessage } from 'mailauth';
import { readHeaders } from '../mail/headers.js';

/** A DNS resolver as mailauth calls it (`dns.promises.resolve`): a name and a record type. */
export type DnsResolver = (name: string, type: string) => Promise<unknown>;

/** Who handed us the post (the SMTP session), for the SPF check. */
export interface PostClient {
  /** The client's IP address. */
  readonly ip?: string;
  /** Its EHLO name. */
  readonly helo?: string;
  /** The envelope sender (`''` for the null sender). */
  readonly sender?: string;
}

/** What the seal of one post covers: the checks of the post as it came in. */
export interface ArcVerdict {
  /** The `ARC-Authentication-Results` value after `i=N; `: `authserv-id; dkim=...; spf=...; dmarc=...`. */
  readonly authResults: string;
  /** The state of the chain the post arrived with: `none` (no ARC yet) or `pass`. */
  readonly cv: 'none' | 'pass';
}

/** Seals the posts a list forwards (RFC 8617). */
export interface ArcSealer {
  /**
   * Checks a post as it came in (DKIM, SPF with the client's address, DMARC, its ARC chain),
   * or takes the trusted MTA's Authentication-Results.
   * @returns undefined when the post's ARC chain is broken (`cv=fail`): such a chain is not sealed.
   */
  check(raw: Buffer, client?: PostClient): Promise<ArcVerdict | undefined>;
  /**
   * The prepared post with an ARC set (ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results)
   * on top of its shared header block. Unchanged when its body is personalized: see {@link sealCopy}.
   */
  seal(post: PreparedPost, verdict: ArcVerdict): Promise<PreparedPost>;
  /**
   * One member's copy with its own ARC set, for a post whose body is personalized (a footer with
   * member fields: each body differs, so no seal is shared). Unchanged for any other post: its
   * shared seal covers it already.
   */
  sealCopy(delivery: Delivery, post: PreparedPost, verdict: ArcVerdict): Promise<Delivery>;
}

/** The sealer's key and settings, the key already read. */
export interface ArcSealerOptions {
  domain: string;
  selector: string;
  /** The PEM RSA private key. */
  key: string;
  /** Our host name: the authserv-id of the results we write. */
  hostname: string;
  /** @default `dns.promises.resolve` (mailauth's own default) */
  resolver?: DnsResolver;
  /** See {@link ArcSettings.trustedAuthServId}. */
  trustedAuthServId?: string;
}

/**
 * What the ARC-Message-Signature covers: core's DKIM field list without `List-Unsubscribe` and
 * `List-Unsubscribe-Post`. Those two are the only fields written per member (after the shared
 * header block), so leaving them out lets one seal cover every member's copy: the seal is made
 * once per post, not once per member. The list's DKIM signature (core) covers them instead.
 */
export const ARC_SIGNED_FIELDS: readonly string[] = DEFAULT_DKIM_HEADERS.filter((name) => !/^list-unsubscribe(-post)?$/i.test(name));

/**
 * An ARC sealer on mailauth. The cost is one check (`authenticate`) and one seal (two RSA
 * signatures) per post, whatever the number of members: the seal is made over the shared header
 * block and the shared body, which every member's copy carries unchanged. What differs per
 * member is outside the seal: the `List-Unsubscribe` fields (not in `h=`), the envelope (VERP),
 * and the DKIM-Signature that core adds on top afterwards. A list with a personalized footer
 * has a different body per member, which one seal cannot cover: its copies are sealed one by
 * one ({@link ArcSealer.sealCopy}), two RSA signatures per member.
 */
export function createArcSealer(options: ArcSealerOptions): ArcSealer {
  const resolver = options.resolver as ((name: string, type: string) => Promise<never>) | undefined;
  /** The ARC set for `message` (CRLF line ends, as mailauth writes them), over what it holds now. */
  const arcFields = async (message: Buffer, verdict: ArcVerdict): Promise<string> => {
    const seal = {
      signingDomain: options.domain,
      selector: options.selector,
      privateKey: options.key,
      algorithm: 'rsa-sha256',
      // mailauth reads the list as colon-separated text (its types say an array)
      headerList: ARC_SIGNED_FIELDS.join(':') as unknown as string[],
      authResults: verdict.authResults,
      cv: verdict.cv,
      // One time for both signatures: left to mailauth, each reads the clock, and a second
      // turning between them wrote a t= into the message that the signature did not cover.
      signTime: new Date(),
    };
    return (await sealMessage(message, seal)).toString('latin1');
  };
  return {
    async check(raw, client = {}) {
      if (options.trustedAuthServId !== undefined) {
        const id = options.trustedAuthServId.toLowerCase();
        const given = readHeaders(raw).find(
          (field) => field.name === 'authentication-results' && field.value.split(';')[0]?.trim().toLowerCase() === id,
        );
        if (given) return { authResults: given.value, cv: 'none' };
      }
      const result = await authenticate(raw, {
        ...(client.ip && { ip: client.ip }),
        ...(client.helo && { helo: client.helo }),
        ...(client.sender && { sender: client.sender }),
        mta: options.hostname,
        disableBimi: true,
        ...(resolver && { resolver }),
      });
      const arc = result.arc;
      if (arc === false || !arc.authResults) return undefined;
      const cv = arc.status.result;
      if (cv !== 'none' && cv !== 'pass') return undefined;
      return { authResults: arc.authResults, cv };
    },
    async seal(post, verdict) {
      if (post.footer !== undefined) return post;
      const message = Buffer.concat([Buffer.from(`${post.sharedHead}${post.eol}`, 'latin1'), post.body]);
      const fields = await arcFields(message, verdict);
      return { ...post, sharedHead: (post.eol === '\r\n' ? fields : fields.replace(/\r\n/g, '\n')) + post.sharedHead };
    },
    async sealCopy(delivery, post, verdict) {
      if (post.footer === undefined) return delivery;
      const { message } = delivery;
      const bytes = await message.toBuffer();
      const fields = await arcFields(bytes, verdict);
      const head = Buffer.from(post.eol === '\r\n' ? fields : fields.replace(/\r\n/g, '\n'), 'latin1');
      const from = message.envelope?.address ?? '';
      const sealed = Message.raw(Buffer.concat([head, bytes]), {
        from,
        to: message.recipients.items.map((item) => item.address),
        id: message.id,
        ...(message.retries !== undefined && { retries: message.retries }),
      });
      return { ...delivery, message: sealed };
    },
  };
}
