import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLineLogger, type Logger, MailConfigurationError, Mailer, type MailerConfig } from '@mailroom/core';
import { type ListStore, ledgerFor, openStore, PostNotFoundError, resumePost, suppressionCheck } from '@mailroom/lists';
import type { SMTPServer } from 'smtp-server';
import { resolve as resolveDns } from 'node:dns/promises';
import { loadArcKey } from './arc/arc-options.js';
import { type ArcSealer, createArcSealer, type DnsResolver } from './arc/arc-sealer.js';
import { type BounceHandler, bounceHandler } from './bounces/bounce-handler.js';
import { dmarcLookup } from './dmarc/dmarc-lookup.js';
import { type DmarcMitigator, dmarcMitigator } from './dmarc/mitigate.js';
import { controlHandler } from './control/control-handler.js';
import { type ReplyLimiter, replyLimiter } from './control/reply-guard.js';
import { type Moderation, moderation } from './moderation/moderation.js';
import { type ConsoleMount, loadConsole, type PostControl } from './console/console-host.js';
import { createHttpServer } from './http/http-server.js';
import { runningPosts } from './pipeline/distributors/running-posts.js';
import { createMetricsEndpoint, type MetricsEndpoint } from './http/metrics.js';
import { feedbackApplier } from './http/webhooks/feedback.js';
import type { WebhookFetch } from './http/webhooks/sns-signature.js';
import { webhookRouter } from './http/webhooks/webhooks.js';
import { createIntake } from './intake/smtp-intake.js';
import { isReplyNotice } from './mail/notice.js';
import { readSubmitters } from './intake/submitters.js';
import { deliverToDistributor } from './pipeline/distributors/deliver-to.js';
import { listDistributor } from './pipeline/distributors/list-distributor.js';
import { multipleDistributor } from './pipeline/distributors/multiple.js';
import { roleDistributor } from './pipeline/distributors/role-distributor.js';
import { spoolDistributor } from './pipeline/distributors/spool-distributor.js';
import { spoolFetcher } from './pipeline/fetchers/spool-fetcher.js';
import { manyListsProcessor } from './pipeline/processors/many-lists.js';
import { failedFolderReactor } from './pipeline/reactors/failed-folder.js';
import { loggerReactor, reactors } from './pipeline/reactors/logger-reactor.js';
import { type Pipeline, type RunReport, runPipeline } from './pipeline/run.js';
import type { Fetcher } from './pipeline/types.js';
import { parseServerConfig, type ServerSettings } from './server-config.js';
import { openSpool, type Spool } from './spool/spool.js';
import { lockSpool } from './spool/spool-lock.js';

/** Reads a certificate and key file. @throws {MailConfigurationError} naming the key (`server.smtp.tls.cert` ...) of a file that cannot be read. */
async function readTls(paths: { cert: string; key: string }, prefix = 'server.smtp.tls.'): Promise<{ cert: Buffer; key: Buffer }> {
  const read = (key: 'cert' | 'key') =>
    readFile(paths[key]).catch((error: NodeJS.ErrnoException) => {
      throw new MailConfigurationError(`${prefix}${key}`, 'invalid value', { expected: `a readable PEM file (${error.code})` });
    });
  return { cert: await read('cert'), key: await read('key') };
}

/** The ports a started server listens on (0 when that side is disabled). */
export interface ListServerPorts {
  smtp: number;
  http: number;
}

/**
 * The list server: SMTP intake, the HTTP unsubscribe endpoint and the delivery worker
 * (the spool pipeline) in one process, from one configuration.
 *
 * @example
 * const server = new ListServer({ store: 'sqlite:./var/mailroom.db', 'server.smtp.port': 2525, 'transport.use': 'smtp', ... });
 * const { smtp, http } = await server.start();
 * process.once('SIGTERM', () => server.stop());
 */
export class ListServer {
  /** The validated settings. */
  readonly settings: ServerSettings;
  readonly #logger: Logger;
  #store: ListStore | undefined;
  #spool: Spool | undefined;
  #mailer: Mailer | undefined;
  #smtp: SMTPServer | undefined;
  #http: Server | undefined;
  #metrics: MetricsEndpoint | undefined;
  #console: ConsoleMount | undefined;
  readonly #running = runningPosts();
  #abort = new AbortController();
  #worker: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #again = false;
  #unlock: (() => Promise<void>) | undefined;
  #lastSweep = 0;
  readonly #now: () => Date;
  readonly #limiter: ReplyLimiter;
  readonly #fetchText: WebhookFetch | undefined;
  readonly #resolver: DnsResolver;
  readonly #dmarc: DmarcMitigator;
  #arc: ArcSealer | undefined;

  /**
   * @param options - `fetchText` fetches SNS signing certificates and subscription confirmations
   * (tests give their own; by default HTTPS `fetch`, no redirects, 10 s).
   * @param options.resolver - the DNS resolver for DMARC policies and the ARC checks, called as
   *   `dns.promises.resolve` is (`(name, 'TXT')`). @default `resolve` from `node:dns/promises`
   * @throws {MailConfigurationError} for a bad key (nothing is opened here).
   */
  constructor(config: MailerConfig, options: { logger?: Logger; now?: () => Date; fetchText?: WebhookFetch; resolver?: DnsResolver } = {}) {
    this.settings = parseServerConfig(config);
    this.#now = options.now ?? (() => new Date());
    this.#fetchText = options.fetchText;
    this.#resolver = options.resolver ?? ((name, type) => resolveDns(name, type));
    const resolver = this.#resolver;
    const { timeout, cacheTtl, cacheSize } = this.settings.dmarc;
    this.#dmarc = dmarcMitigator(
      dmarcLookup({
        resolver: (name) => resolver(name, 'TXT') as Promise<string[][]>,
        timeoutMs: timeout * 1000,
        ttlMs: cacheTtl * 1000,
        cacheSize,
      }),
    );
    this.#limiter = replyLimiter(this.settings.control.repliesPerDay);
    this.#logger = options.logger ?? createLineLogger({ level: this.settings.logLevel, name: 'mailroom' });
    // Validate the Mailer's part now too, so `serve` fails before it listens.
    new Mailer(this.settings.mailer);
  }

  /** Opens the store, the spool and the Mailer; creates or updates the configured lists. */
  async #open(): Promise<{ store: ListStore; spool: Spool; mailer: Mailer }> {
    const store = (this.#store ??= await openStore(this.settings.store));
    for (const settings of this.settings.lists) {
      const address = String(settings.address);
      if (await store.getList(address)) {
        const { address: _address, ...changes } = settings;
        await store.updateList(address, changes);
      } else await store.createList(settings as { address: string });
    }
    const spool = (this.#spool ??= await openSpool(this.settings.spool));
    const arc = this.settings.arc;
    if (arc && !this.#arc) {
      const { domain, selector, trustedAuthServId } = arc;
      this.#arc = createArcSealer({
        domain,
        selector,
        key: await loadArcKey(arc),
        hostname: this.settings.hostname,
        resolver: this.#resolver,
        ...(trustedAuthServId && { trustedAuthServId }),
      });
    }
    const metrics = this.#metrics;
    // Every send consults the store's suppression list; an answer to control mail still reaches
    // an address that unsubscribed (it wrote to us), never one that complained or hard-bounced.
    const suppression = suppressionCheck(store, { exempt: (message, entry) => entry.reason === 'unsubscribe' && isReplyNotice(message) });
    const mailer = (this.#mailer ??= await new Mailer(this.settings.mailer, {
      logger: this.#logger,
      suppression,
      ...(metrics && { telemetry: metrics.telemetry }),
    }).start());
    return { store, spool, mailer };
  }

  /** The spool pipeline: many-lists routing, the list distributor (and archive copies), log and retry. */
  #pipeline(fetcher: Fetcher): Pipeline {
    const store = this.#store as ListStore;
    const mailer = this.#mailer as Mailer;
    const arc = this.#arc;
    const lists = listDistributor({ store, mailer, logger: this.#logger, dmarc: this.#dmarc, running: this.#running, ...(arc && { arc }) });
    const posts =
      this.settings.archive.length > 0 ? multipleDistributor(lists, deliverToDistributor({ mailer, to: this.settings.archive })) : lists;
    const { attempts, delay, maxDelay } = this.settings.pipeline;
    return {
      fetcher,
      processor: manyListsProcessor({ store, hostname: this.settings.hostname, maxOwnReceived: this.settings.smtp.maxOwnReceived }),
      distributor: roleDistributor({
        post: posts,
        bounces: this.#bounces(),
        hold: this.#moderation(),
        request: controlHandler({
          store,
          mailer,
          moderation: this.#moderation(),
          logger: this.#logger,
          policy: this.settings.control,
          now: this.#now,
          limiter: this.#limiter,
        }),
      }),
      reactor: reactors(loggerReactor(this.#logger), failedFolderReactor({ attempts, delay: delay * 1000, maxDelay: maxDelay * 1000 })),
      signal: this.#abort.signal,
    };
  }

  #moderation(): Moderation {
    const [spool, store, mailer] = [this.#spool as Spool, this.#store as ListStore, this.#mailer as Mailer];
    return moderation({ spool, store, mailer, logger: this.#logger, now: this.#now });
  }

  /**
   * Moderation of the held posts (what `mailroom moderate` uses): opens the store, the spool and
   * the Mailer (for the poster's rejection notice). An approved post is queued in the spool; the
   * running server's worker (or `mailroom fetch`) distributes it. Call `stop()` afterwards.
   */
  async moderation(): Promise<Moderation> {
    await this.#open();
    return this.#moderation();
  }

  /** Moderation whose approvals wake the worker at once (the console's: a moderator waits to see the post go out). */
  #wakingModeration(): Moderation {
    const inner = this.#moderation();
    return {
      ...inner,
      approve: async (id, by) => {
        const held = await inner.approve(id, by);
        this.#again = true;
        this.#wake?.();
        return held;
      },
    };
  }

  /** Pausing and resuming posts (the console's): a resumed post runs in the background with the server's Mailer. */
  #postControl(): PostControl {
    const running = this.#running;
    const ledger = () => ledgerFor(this.#store as ListStore);
    return {
      pause: async (id) => (running.pause(id) ? ledger().getPost(id) : undefined),
      resume: async (id) => {
        const post = await ledger().getPost(id);
        if (!post) throw new PostNotFoundError(id);
        if (post.state === 'finished' || running.has(id)) return undefined;
        const handle = await resumePost({
          store: this.#store as ListStore,
          mailer: this.#mailer as Mailer,
          id,
          onProgress: running.progress,
        });
        running.add(handle);
        handle.done.then(
          (report) => this.#logger.info({ post: id, state: report.state, sent: report.sent, failed: report.failed }, 'resumed post ended'),
          (error: unknown) => this.#logger.error({ post: id, error: (error as Error).message }, 'resumed post failed'),
        );
        return ledger().getPost(id);
      },
      running: (id) => running.has(id),
      watch: (listener) => running.watch(listener),
    };
  }

  /** The bounce handler, with the server's rules, Mailer and clock. */
  #bounces(): BounceHandler {
    const mailer = this.#mailer as Mailer;
    return bounceHandler({ store: this.#store as ListStore, mailer, logger: this.#logger, policy: this.settings.bounces, now: this.#now });
  }

  /**
   * Sends due bounce warnings and removes members warned enough, on every list (at most once an
   * hour from the worker; `mailroom fetch` runs it every time).
   */
  async sweepBounces(): Promise<{ warned: number; removed: number }> {
    const { store } = await this.#open();
    const handler = this.#bounces();
    const total = { warned: 0, removed: 0 };
    for (const list of await store.listLists()) {
      const counts = await handler.sweep(list);
      total.warned += counts.warned;
      total.removed += counts.removed;
    }
    this.#lastSweep = this.#now().getTime();
    return total;
  }

  /**
   * Runs the pipeline once (what `mailroom fetch` does) with the server's configuration: over the
   * spool by default, or over `fetcher` (a maildir, stdin). With `queue: true` the posts are only
   * queued in the spool (for `--stdin`: the MTA gets its answer as soon as the message is safe).
   * Call `stop()` afterwards to close the store and drain the Mailer.
   */
  async runOnce(fetcher?: Fetcher, options: { queue?: boolean } = {}): Promise<RunReport> {
    const { spool } = await this.#open();
    // Reading the spool (or a maildir) distributes: one process at a time. Only queueing needs no lock.
    if (!options.queue) this.#unlock ??= await lockSpool(this.settings.spool);
    const pipeline = this.#pipeline(fetcher ?? spoolFetcher(spool));
    if (options.queue) pipeline.distributor = spoolDistributor(spool);
    const report = await runPipeline(pipeline);
    if (!options.queue) await this.sweepBounces();
    return report;
  }

  /** The delivery worker: runs the spool pipeline when woken by the intake, and every `pipeline.interval` seconds. */
  async #work(): Promise<void> {
    const spool = this.#spool as Spool;
    while (!this.#abort.signal.aborted) {
      this.#again = false;
      try {
        const report = await runPipeline(this.#pipeline(spoolFetcher(spool)));
        if (report.fetched > 0) this.#logger.info({ ...report }, 'pipeline run');
        // A run may have queued more (a post approved by mail): look again at once.
        if (report.fetched > 0) this.#again = true;
        if (this.#now().getTime() - this.#lastSweep >= 3_600_000) await this.sweepBounces();
      } catch (error) {
        this.#logger.error({ error: (error as Error).message }, 'pipeline run failed');
      }
      if (this.#again || this.#abort.signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.pipeline.interval * 1000);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /**
   * Starts everything: the worker first (it distributes what an earlier run left in the
   * spool), then the SMTP intake and the HTTP endpoint.
   * @returns the ports listened on (useful with port 0).
   */
  async start(): Promise<ListServerPorts> {
    const { smtp, http, hostname } = this.settings;
    const tls = smtp.enabled && smtp.tls ? await readTls(smtp.tls) : undefined;
    const submitters = smtp.enabled && smtp.authUsers ? await readSubmitters(smtp.authUsers) : undefined;
    const httpTls = http.enabled && http.tls ? await readTls(http.tls, 'server.http.tls.') : undefined;
    if (http.enabled && http.metrics) this.#metrics ??= await createMetricsEndpoint();
    const { store, spool, mailer } = await this.#open();
    try {
      this.#unlock ??= await lockSpool(this.settings.spool);
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.#abort = new AbortController();
    this.#worker = this.#work();
    const ports: ListServerPorts = { smtp: 0, http: 0 };
    if (smtp.enabled) {
      this.#smtp = createIntake({
        ...(tls && { tls }),
        ...(submitters && { submitters }),
        store,
        spool,
        hostname,
        maxSize: smtp.size,
        maxOwnReceived: smtp.maxOwnReceived,
        maxRecipients: smtp.maxRecipients,
        logger: this.#logger,
        onSpooled: () => {
          this.#again = true;
          this.#wake?.();
        },
      });
      const server = this.#smtp;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(smtp.port, smtp.host, () => resolve());
      });
      ports.smtp = (server.server.address() as AddressInfo).port;
    }
    if (http.enabled) {
      const metrics = this.#metrics;
      const { webhooks } = http;
      const routes =
        webhooks.ses || webhooks.sendgrid
          ? webhookRouter({
              settings: webhooks,
              apply: feedbackApplier({ store, bounces: this.#bounces(), logger: this.#logger }),
              logger: this.#logger,
              now: this.#now,
              ...(this.#fetchText && { fetchText: this.#fetchText }),
            })
          : undefined;
      if (this.settings.console.enabled) {
        try {
          this.#console = await loadConsole({
            settings: this.settings,
            store,
            mailer,
            moderation: this.#wakingModeration(),
            posts: this.#postControl(),
            logger: this.#logger,
          });
        } catch (error) {
          await this.stop();
          throw error;
        }
      }
      const mounted = this.#console;
      const server = (this.#http = createHttpServer({
        store,
        logger: this.#logger,
        ...(metrics && { metrics }),
        ...(routes && { webhooks: routes }),
        ...(mounted && { console: mounted }),
        ...(httpTls && { tls: httpTls }),
      }));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(http.port, http.host, () => resolve());
      });
      ports.http = (server.address() as AddressInfo).port;
    }
    this.#logger.info({ ...ports, hostname }, 'list server started');
    return ports;
  }

  /**
   * Stops: no new SMTP connections or HTTP requests, the sessions in progress finish, the
   * worker finishes the post in hand (the rest stays in the spool), the Mailer drains, the store closes.
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wake?.();
    const smtp = this.#smtp;
    const http = this.#http;
    this.#smtp = undefined;
    this.#http = undefined;
    // Event streams never end on their own: the console ends them before the server waits for its connections.
    await this.#console?.close();
    this.#console = undefined;
    await Promise.all([
      smtp && new Promise<void>((resolve) => smtp.close(() => resolve())),
      http &&
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeIdleConnections();
        }),
    ]);
    await this.#worker;
    this.#worker = undefined;
    await this.#mailer?.stop();
    this.#mailer = undefined;
    await this.#metrics?.shutdown();
    this.#metrics = undefined;
    await this.#store?.close();
    this.#store = undefined;
    await this.#unlock?.();
    this.#unlock = undefined;
    this.#spool = undefined;
    this.#logger.info('list server stopped');
  }
}
