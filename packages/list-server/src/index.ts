/**
 * `@mailroom/list-server`: the list server around `@mailroom/lists`: an SMTP
 * intake that accepts mail for our lists only and answers 250 once a post is
 * durably spooled, the fetch-process-distribute pipeline, and one-click
 * unsubscribe over HTTP.
 *
 * @packageDocumentation
 */
export {
  HeldPostNotFoundError,
  isPermanent,
  MailLoopError,
  PolicyRefusedError,
  TemporaryFailureError,
  UnhandledMailError,
  UnknownRecipientError,
} from './errors.js';
export { DEFAULT_MAX_OWN_RECEIVED, assertNotLooping } from './intake/loop.js';
export { checkPolicy, type PolicyDecision, type Senders } from './intake/policy.js';
export { type ListRecipient, resolveRecipient, type Role } from './intake/recipients.js';
export { createIntake, type IntakeOptions } from './intake/smtp-intake.js';
export { addressesIn, fieldValues, type HeaderField, readHeaders } from './mail/headers.js';
export {
  openSpool,
  SPOOL_FOLDERS,
  type Spool,
  type SpoolEnvelope,
  type SpoolFolder,
  type SpoolState,
  SpoolWriteError,
} from './spool/spool.js';
export { runPipeline, type Pipeline, type RunReport } from './pipeline/run.js';
export {
  type AsideFolder,
  type Distributor,
  type Fetched,
  type Fetcher,
  type ListPost,
  NothingMore,
  type Processor,
  type Reactor,
  type Stage,
} from './pipeline/types.js';
export { maildirFetcher } from './pipeline/fetchers/maildir-fetcher.js';
export { spoolFetcher } from './pipeline/fetchers/spool-fetcher.js';
export { EXIT, type StdinFetcher, stdinFetcher } from './pipeline/fetchers/stdin-fetcher.js';
export { manyListsProcessor, ROUTING_FIELDS } from './pipeline/processors/many-lists.js';
export type { ProcessorOptions } from './pipeline/processors/prepare.js';
export { singleListProcessor } from './pipeline/processors/single-list.js';
export { deliverToDistributor } from './pipeline/distributors/deliver-to.js';
export { type ListDistributorOptions, listDistributor } from './pipeline/distributors/list-distributor.js';
export { multipleDistributor } from './pipeline/distributors/multiple.js';
export { spoolDistributor } from './pipeline/distributors/spool-distributor.js';
export { failedFolderReactor, type RetryPolicy, retryDelay } from './pipeline/reactors/failed-folder.js';
export { loggerReactor, reactors } from './pipeline/reactors/logger-reactor.js';
export { createHttpServer, type HttpServerOptions, type RouteHandler } from './http/http-server.js';
export { createMetricsEndpoint, type MetricsEndpoint } from './http/metrics.js';
export { isOneClick, unsubscribeHandler } from './http/unsubscribe-handler.js';
export { ListServer, type ListServerPorts } from './list-server.js';
export { parseServerConfig, type ServerSettings } from './server-config.js';
export { lockSpool, SpoolBusyError } from './spool/spool-lock.js';
export { hashPassword, readSubmitters, type Submitters, verifyPassword } from './intake/submitters.js';
export { BOUNCE_REASON, type BounceHandler, type BounceHandlerOptions, bounceHandler } from './bounces/bounce-handler.js';
export { type BouncePolicy, DEFAULT_BOUNCE_POLICY, parseBouncePolicy } from './bounces/bounce-policy.js';
export { type BounceKind, type BounceVerdict, classifyBounce, isAutoReply } from './bounces/classify.js';
export { type DsnRecipient, parseDsn } from './bounces/dsn.js';
export { disabledStep, type ScoreChange, scoreBounce } from './bounces/score.js';
export { type MimePart, mimeParts, parseContentType, partText } from './mail/mime-parts.js';
export { composeNotice, isReplyNotice, type Notice, sendNotice } from './mail/notice.js';
export { type PostHandler, type RoleRoutes, roleDistributor } from './pipeline/distributors/role-distributor.js';
export { bareSubject, type CommandName, type ControlCommand, MAX_UNKNOWN_LINES, readCommands } from './control/commands.js';
export {
  type ControlHandlerOptions,
  type ControlOutcome,
  controlHandler,
  type ModerationAction,
  type ModerationDecider,
} from './control/control-handler.js';
export { type ControlPolicy, parseControlPolicy } from './control/control-options.js';
export { noReplyReason, type ReplyLimiter, replyLimiter } from './control/reply-guard.js';
export { type HeldPost, holdPost, listHeld } from './moderation/held-posts.js';
export { type Moderation, type ModerationOptions, moderation } from './moderation/moderation.js';
export { type ImapFetcherOptions, imapFetcher } from './pipeline/fetchers/imap-fetcher.js';
export { parseImapOptions } from './pipeline/fetchers/imap-options.js';
export { type Feedback, type FeedbackOptions, feedbackApplier } from './http/webhooks/feedback.js';
export { sendGridFeedback } from './http/webhooks/sendgrid-events.js';
export { SENDGRID_SIGNATURE, SENDGRID_TIMESTAMP, type SendGridHandlerOptions, sendGridHandler } from './http/webhooks/sendgrid-handler.js';
export { sesFeedback } from './http/webhooks/ses-events.js';
export { type SesHandlerOptions, sesHandler } from './http/webhooks/ses-handler.js';
export { isSnsUrl, type SnsMessage, snsStringToSign, snsVerifier, type WebhookFetch } from './http/webhooks/sns-signature.js';
export {
  parseWebhookSettings,
  type SendGridWebhookSettings,
  type SesWebhookSettings,
  type WebhookSettings,
} from './http/webhooks/webhook-options.js';
export { defaultFetchText, type WebhookOptions, webhookRouter } from './http/webhooks/webhooks.js';
export { type DmarcLookup, type DmarcLookupOptions, type DmarcVerdict, dmarcLookup, type TxtResolver } from './dmarc/dmarc-lookup.js';
export { type DmarcPolicy, type DmarcRecord, parseDmarcRecord, pickDmarcRecord } from './dmarc/dmarc-record.js';
export { type DmarcMitigator, dmarcMitigator, type Mitigation } from './dmarc/mitigate.js';
export { organizationalDomain } from './dmarc/organizational-domain.js';
export { type ArcSettings, loadArcKey, parseArcSettings } from './arc/arc-options.js';
export {
  ARC_SIGNED_FIELDS,
  type ArcSealer,
  type ArcSealerOptions,
  type ArcVerdict,
  createArcSealer,
  type DnsResolver,
  type PostClient,
} from './arc/arc-sealer.js';
export { type ConsoleHost, type ConsoleMount, loadConsole, type PostControl } from './console/console-host.js';
export { type ConsoleSettings, isLoopback, parseConsoleSettings } from './console/console-options.js';
export { type RunningPosts, runningPosts } from './pipeline/distributors/running-posts.js';
export { escapeHtml } from './http/pages.js';
