import { type Clock, systemClock } from "../clock.js";
import { type KeyRing, parseKeyRing } from "../crypto/key-ring.js";
import { createArgon2Hasher, type PasswordHasher } from "../crypto/passwords.js";
import { createSecretBox, type SecretBox } from "../crypto/secret-box.js";
import { generateId } from "../crypto/tokens.js";
import { GatehouseError } from "../errors.js";
import { defaultMatrix } from "../matrix/default-matrix.js";
import type { MatrixShape } from "../matrix/define-matrix.js";
import type { Mailer, MailMessage, SmsMessage, SmsSender } from "../messages/messages.js";
import { defaultMailTemplates, type MailTemplates, renderSms, textToHtml } from "../messages/templates.js";
import type { GatehousePolicy } from "../policy/gatehouse-policy.js";
import { presets, validatePolicy } from "../policy/presets.js";
import type { IdentityProvider } from "../store/identity-provider.js";
import { createMemoryRateLimiter, type RateLimiter } from "../store/rate-limiter.js";
import type { AuditActor, AuditRecord, OrganizationRecord, PresetName } from "../store/records.js";
import type { DurableRepositories, Store } from "../store/store.js";
import { versioningStore } from "./authorization-version.js";
import { type BackgroundTask, createBackgroundQueue } from "./background.js";
import { createGathering } from "./gathering.js";
import { defaultFlowPermissions, type FlowPermissions } from "./permissions.js";

/** Where the links in e-mails point: the host's pages that take a token. */
export interface LinkBuilders {
  /** The sign-in page, named in invitation e-mails. */
  login: () => string;
  activation: (token: string) => string;
  passwordReset: (token: string) => string;
}

/** The options of {@link createGatehouse}. */
export interface GatehouseOptions {
  store: Store;
  mailer: Mailer;
  /** Required when an organization's policy offers SMS codes. */
  sms?: SmsSender;
  /** @default defaultMatrix */
  matrix?: MatrixShape;
  /**
   * The installation's policy: its lockout rules apply to every sign-in (an unknown address must lock exactly
   * like a registered one, before anyone knows its organization), and it is the default for new organizations.
   * @default presets.enterprise
   */
  policy?: GatehousePolicy;
  /** The policy of each preset an organization may name. @default presets */
  presets?: Partial<Record<PresetName, GatehousePolicy>>;
  /** The AES-256-GCM key ring sealing TOTP secrets and recovery codes: `{ current: "id:base64key" }`. */
  secrets: KeyRing | { current: string; previous?: string[] };
  /** @default systemClock */
  clock?: Clock;
  /** @default argon2id with OWASP's parameters */
  hasher?: PasswordHasher;
  /** Which matrix permission each flow requires. @default the Platform Management pages of `defaultMatrix` */
  permissions?: Partial<FlowPermissions>;
  /** The base URL of the host app (links are `${baseUrl}/activate?token=…`), or one builder per link. */
  links?: string | LinkBuilders;
  /**
   * Throttles messages carrying secrets (SMS codes, reset links, invitations) per recipient, by the token
   * policy's `messagesPerWindow`, and SMS per user and per organization (`smsPerUserPerWindow`,
   * `smsPerOrganizationPerWindow`). Pass a shared one (`createRedisRateLimiter`) when several app instances run.
   * @default createMemoryRateLimiter()
   */
  rateLimiter?: RateLimiter;
  /** Replaces any of the e-mail templates. */
  templates?: Partial<MailTemplates>;
  /** Single sign-on through each organization's OpenID Connect provider; without it `beginSso` is refused. */
  sso?: SsoOptions;
  /** The issuer shown in authenticator apps. @default "Gatehouse" */
  issuer?: string;
  /** How long an unused attempt record is kept; the counter never decays before. @default 400 days */
  attemptRetentionMs?: number;
  /** Told of every message that could not be delivered (the flows report it too). */
  onDeliveryError?: (error: unknown, message: MailMessage | SmsMessage) => void;
  /**
   * Told of every failure of work done after a call has answered (see `Gatehouse.flush`): a storage error
   * behind "forgot password", an audit entry that could not be written (`task.audit` holds it, complete, so
   * it can be kept elsewhere). Undeliverable messages go to `onDeliveryError` instead.
   * @default logs with `console.error`
   */
  onBackgroundError?: (error: unknown, task: BackgroundTask) => void;
}

/** The options of single sign-on. */
export interface SsoOptions {
  /** Speaks OpenID Connect: `createOidcIdentityProvider()` of `@gatehousejs/oidc`, or the host's own. */
  identityProvider: IdentityProvider;
  /**
   * Who manages an organization's connection: platform staff (a setting reserved for staff), or also its own
   * members holding the configure permission. Emergency administrators are always designated by staff.
   * @default "staff"
   */
  managedBy?: "staff" | "organization";
}

/** Everything a use case needs, resolved once by `createGatehouse`. */
export interface ServiceContext {
  readonly store: Store;
  readonly matrix: MatrixShape;
  readonly policy: GatehousePolicy;
  readonly box: SecretBox;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly permissions: FlowPermissions;
  readonly links: LinkBuilders;
  readonly issuer: string;
  readonly attemptRetentionMs: number;
  readonly rateLimiter: RateLimiter;
  /** Single sign-on, when configured. */
  readonly sso: Required<SsoOptions> | null;
  policyOf(organization: Pick<OrganizationRecord, "settings">): GatehousePolicy;
  /** Renders and sends an e-mail; resolves whether it was accepted, never rejects. */
  sendMail(message: MailMessage): Promise<boolean>;
  /** Sends a code by SMS; resolves whether it was accepted, never rejects. */
  sendSms(message: SmsMessage): Promise<boolean>;
  /** Appends audit entries, stamped with ids and the time. */
  audit(repos: DurableRepositories, entries: readonly AuditEntryInput[]): Promise<void>;
  /**
   * Queues work to run after the current call has answered (see `BackgroundQueue.defer`): what must not make
   * an answer's time depend on whether an address is registered. A failure goes to `onBackgroundError`.
   */
  defer(name: string, task: () => Promise<unknown>): Promise<void>;
  /**
   * Stamps audit entries now and appends them after the call has answered, to `ctx.store` outside any
   * transaction. Never lost silently: a failed write reaches `onBackgroundError` with the entries.
   */
  auditLater(entries: readonly AuditEntryInput[]): Promise<void>;
  /** Stamps audit entries with ids and the clock's now, ready for {@link ServiceContext.auditSoon}. */
  stampAudit(entries: readonly AuditEntryInput[]): AuditRecord[];
  /**
   * Makes stamped audit entries durable before resolving, without waiting for the durable log where the
   * store has an `auditOutbox`: pushed there (one fast-store call), then appended to `ctx.store.audit` and
   * removed after the answer. Without an outbox, appended to `ctx.store.audit` at once.
   */
  auditSoon(records: readonly AuditRecord[]): Promise<void>;
  /** {@link auditSoon}'s second half, for entries a store call pushed to the outbox itself (a `SignInCommit`). */
  auditPushed(): Promise<void>;
  /** Resolves once every deferred task has finished. */
  flush(): Promise<void>;
}

/** An audit entry before it is stamped. */
export interface AuditEntryInput {
  readonly organizationId: string;
  readonly action: string;
  readonly actor: AuditActor;
  readonly subjectUserId?: string | null;
  readonly subjectEmail?: string | null;
  readonly details?: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

/** Resolves and validates the options; a misconfiguration throws `CONFIGURATION` at once. */
export function createContext(options: GatehouseOptions): ServiceContext {
  const policy = options.policy ?? presets.enterprise;
  validatePolicy(policy);
  const presetPolicies = { ...presets, ...options.presets };
  for (const preset of Object.values(presetPolicies)) validatePolicy(preset);
  const ring =
    typeof options.secrets.current === "string"
      ? parseKeyRing(options.secrets as { current: string; previous?: string[] })
      : (options.secrets as KeyRing);
  const templates = { ...defaultMailTemplates, ...options.templates } as MailTemplates;
  const clock = options.clock ?? systemClock;
  const report = options.onDeliveryError ?? (() => {});
  const background = createBackgroundQueue(
    options.onBackgroundError ??
      ((error, task) => console.error(`Gatehouse: background task "${task.name}" failed`, error, task.audit)),
  );
  const stamp = (entries: readonly AuditEntryInput[]): AuditRecord[] => {
    const at = clock.now();
    return entries.map((entry) => ({
      id: generateId("aud"),
      organizationId: entry.organizationId,
      at,
      action: entry.action,
      actor: entry.actor,
      subjectUserId: entry.subjectUserId ?? null,
      subjectEmail: entry.subjectEmail ?? null,
      details: entry.details ?? {},
    }));
  };

  // A change that affects principals bumps their organizations' authorization versions once committed.
  // A bump that fails is retried after the call has answered (the change itself stands): until it lands,
  // sessions of that organization may keep serving the principal they carry.
  const bumpVersions = async (organizationIds: Iterable<string>): Promise<void> => {
    await Promise.all(
      [...organizationIds].map(async (organizationId) => {
        try {
          await options.store.sessions.bumpVersion(organizationId);
        } catch {
          void background.defer({ name: "authorization-version" }, () =>
            retry(3, () => options.store.sessions.bumpVersion(organizationId)),
          );
        }
      }),
    );
  };
  const context: ServiceContext = {
    store: versioningStore(options.store, bumpVersions),
    sso: options.sso
      ? { identityProvider: options.sso.identityProvider, managedBy: options.sso.managedBy ?? "staff" }
      : null,
    matrix: options.matrix ?? defaultMatrix,
    policy,
    box: createSecretBox(ring),
    hasher: options.hasher ?? createArgon2Hasher(),
    clock,
    permissions: { ...defaultFlowPermissions, ...options.permissions },
    links: resolveLinks(options.links),
    issuer: options.issuer ?? "Gatehouse",
    attemptRetentionMs: options.attemptRetentionMs ?? 400 * DAY_MS,
    rateLimiter: options.rateLimiter ?? createMemoryRateLimiter(),
    policyOf: (organization) => presetPolicies[organization.settings.preset] ?? policy,
    async sendMail(message) {
      const render = templates[message.kind] as (m: MailMessage) => {
        subject: string;
        text: string;
        html?: string;
      };
      try {
        const content = render(message);
        const html = content.html ?? textToHtml(content.text);
        await options.mailer.send({
          to: message.to,
          subject: content.subject,
          text: content.text,
          html,
          message,
        });
        return true;
      } catch (error) {
        report(error, message);
        return false;
      }
    },
    async sendSms(message) {
      try {
        if (!options.sms) throw new GatehouseError("CONFIGURATION", "No SMS sender is configured.");
        await options.sms.send({ ...message, text: renderSms(message) });
        return true;
      } catch (error) {
        report(error, message);
        return false;
      }
    },
    async audit(repos, entries) {
      const records = stamp(entries);
      if (records.length > 0) await repos.audit.append(records);
    },
    defer: (name, task) => background.defer({ name }, task),
    async auditLater(entries) {
      const records = stamp(entries);
      if (records.length === 0) return;
      await background.defer({ name: "audit", audit: records }, () => context.store.audit.append(records));
    },
    stampAudit: stamp,
    async auditSoon(records) {
      if (records.length === 0) return;
      const outbox = context.store.auditOutbox;
      if (!outbox) return context.store.audit.append(records);
      await outbox.push(records);
      await drainLater();
    },
    auditPushed: () => drainLater(),
    async flush() {
      // Also drains what any process left in the outbox (one that died before its own drain).
      if (context.store.auditOutbox) {
        await drainLater();
        gathering.end();
      }
      await background.flush();
    },
  };

  // One drain per process at a time: a push made while it runs asks it for one more pass, so nothing waits
  // for a drain that has already looked. It reads every pending entry, any process's; two processes draining
  // at once append the same entries twice, which `appendIfAbsent` keeps once. A failed drain leaves the
  // entries in the outbox for the next one. A drain first gathers for a moment, so that under load one pass
  // appends the entries of several sign-ins; `flush` ends the gathering at once.
  const gathering = createGathering(DRAIN_GATHER_MS);
  let draining = false;
  let again = false;
  const drainLater = async (): Promise<void> => {
    again = true;
    if (draining) return;
    draining = true;
    await background.defer({ name: "audit-outbox" }, async () => {
      try {
        await gathering.wait();
        while (again) {
          again = false;
          await drainOutbox(context.store);
        }
      } finally {
        again = false;
        draining = false;
      }
    });
  };
  return context;
}

async function retry(times: number, fn: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= times) throw error;
    }
  }
}

const DRAIN_BATCH = 100;

/**
 * How long a drain gathers entries before its first pass. The entries are safe in the outbox meanwhile; they
 * reach the durable log this much later. Under load one pass then appends the entries of several sign-ins
 * with one durable insert, instead of one insert, one outbox read and one removal per sign-in.
 */
const DRAIN_GATHER_MS = 20;

/** Appends every pending outbox entry to the durable log by id, then removes it from the outbox. */
async function drainOutbox(store: Store): Promise<void> {
  const outbox = store.auditOutbox;
  if (!outbox) return;
  for (;;) {
    const batch = await outbox.pending(DRAIN_BATCH);
    if (batch.length === 0) return;
    await store.audit.appendIfAbsent(batch);
    await outbox.remove(batch.map((entry) => entry.id));
    if (batch.length < DRAIN_BATCH) return;
  }
}

function resolveLinks(links: GatehouseOptions["links"]): LinkBuilders {
  if (typeof links === "object") return links;
  const base = (links ?? "http://localhost:3000").replace(/\/+$/, "");
  return {
    login: () => `${base}/login`,
    activation: (token) => `${base}/activate?token=${encodeURIComponent(token)}`,
    passwordReset: (token) => `${base}/reset-password?token=${encodeURIComponent(token)}`,
  };
}
