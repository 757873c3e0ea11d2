import type { ProvisioningMode } from "../store/records.js";
import { type MfaRequirement, nextLoginStage } from "./mfa.js";
import type { SecondFactorKind } from "./second-factor-kinds.js";
import type { SessionStage } from "./session.js";

/** How long a started SSO sign-in (its state, nonce and PKCE verifier) may be completed: 10 minutes. */
export const ssoStateTtlMs = 10 * 60_000;

/**
 * Who answers an SSO organization's MFA requirement: the identity provider (its `amr` claim must show more than
 * one factor, else Gatehouse asks its own) or always Gatehouse's own second factor.
 */
export type SsoSecondFactor = "identity-provider" | "gatehouse";

/** Why an SSO sign-in was refused; each is the `details.reason` of an `SSO_FAILED` error and of its audit entry. */
export type SsoRefusal =
  /** The state is unknown, expired (10 minutes) or already used: a replayed or stale callback. */
  | "state-invalid"
  /** The callback's state is not the one this browser started with (login CSRF). */
  | "state-mismatch"
  /** The callback, the identity or the linked user belongs to another organization's connection. */
  | "connection-mismatch"
  /** The organization has no SSO connection (or no identity provider is configured). */
  | "no-connection"
  /** The identity provider sent no e-mail address, and the person is not linked yet. */
  | "email-missing"
  /** The identity provider does not vouch for the e-mail address (`email_verified` is not true). */
  | "email-unverified"
  /** The e-mail address is at a domain the organization's connection does not list. */
  | "domain-not-allowed"
  /** The address belongs to a user of another organization. */
  | "email-registered-elsewhere"
  /** The user of that address is already linked to another person at this identity provider. */
  | "identity-conflict"
  /** The person was removed, and the provisioning policy may not create them again. */
  | "user-removed"
  /** Nobody added this person, and the provisioning policy creates no one just in time. */
  | "not-provisioned"
  /** The identity provider answered with an error (e.g. the person cancelled: `access_denied`). */
  | "idp-refused"
  /** The identity provider's answer did not verify (signature, issuer, audience, expiry, nonce, `iss`). */
  | "verification-failed";

/** What the service knows about an identity the identity provider vouched for, to decide whom it signs in. */
export interface SsoIdentityFacts {
  /** The organization of the connection the sign-in started at. */
  readonly organizationId: string;
  readonly issuer: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  /** The connection's allowed e-mail domains, lower-case. */
  readonly allowedDomains: readonly string[];
  readonly provisioning: ProvisioningMode;
  /** Whether the connection creates people just in time (only honoured under `external` provisioning). */
  readonly jitProvisioning: boolean;
  /** The link of (issuer, subject), with its user or `null` when that user was removed. */
  readonly link: { readonly userId: string; readonly userOrganizationId: string | null } | null;
  /** The user holding the verified address, and the issuers they are already linked at. */
  readonly userByEmail: {
    readonly id: string;
    readonly organizationId: string;
    readonly linkedIssuers: readonly string[];
  } | null;
}

/** Whom an SSO sign-in signs in, or why it is refused. */
export type SsoIdentityDecision =
  /** A linked person: the link alone decides, whatever the address says today. */
  | { readonly kind: "sign-in"; readonly userId: string }
  /** The first link of a user already added (`relinked`: the previous link was to a removed user). */
  | { readonly kind: "link"; readonly userId: string; readonly relinked: boolean }
  /** Just-in-time creation (`recreated`: the person had been removed and comes back). */
  | { readonly kind: "create"; readonly recreated: boolean }
  | { readonly kind: "refuse"; readonly reason: SsoRefusal };

/**
 * Decides whom a verified identity signs in. A person is linked by (issuer, subject), never by e-mail alone: an
 * address only matters the first time, and then it must be verified by the identity provider, at a domain the
 * organization's connection lists, and its user must not be linked to someone else at that provider.
 * @example
 * decideSsoIdentity({ ...facts, link: null, userByEmail: null, provisioning: "invite" });
 * // { kind: "refuse", reason: "not-provisioned" }
 */
export function decideSsoIdentity(facts: SsoIdentityFacts): SsoIdentityDecision {
  const { link, userByEmail } = facts;
  if (link && link.userOrganizationId !== null) {
    if (link.userOrganizationId !== facts.organizationId) return refuse("connection-mismatch");
    return { kind: "sign-in", userId: link.userId };
  }
  if (!facts.email) return refuse("email-missing");
  if (!facts.emailVerified) return refuse("email-unverified");
  if (!isEmailAtDomains(facts.email, facts.allowedDomains)) return refuse("domain-not-allowed");
  if (userByEmail) {
    if (userByEmail.organizationId !== facts.organizationId) return refuse("email-registered-elsewhere");
    // Someone else holds this account at this provider: an address reassigned at the IdP takes nothing over.
    if (userByEmail.linkedIssuers.includes(facts.issuer)) return refuse("identity-conflict");
    return { kind: "link", userId: userByEmail.id, relinked: link !== null };
  }
  // `external`: the identity provider is the source of people; `invite` and `members-only`: only those added.
  if (facts.jitProvisioning && facts.provisioning === "external") {
    return { kind: "create", recreated: link !== null };
  }
  return refuse(link ? "user-removed" : "not-provisioned");
}

/** The lower-case domain of an address (after its last `@`). */
export function emailDomainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

/** Whether an address is at one of the domains, exactly (a subdomain is another domain). */
export function isEmailAtDomains(email: string, domains: readonly string[]): boolean {
  const domain = emailDomainOf(email);
  return domains.some((allowed) => allowed.toLowerCase() === domain);
}

// RFC 8176 methods that only prove something known: two of them are still one factor.
const knowledgeMethods = new Set(["pwd", "pin", "kba"]);

/**
 * Whether an `amr` claim (RFC 8176) shows multi-factor authentication: `mfa` itself, or two methods of which
 * at least one is not something known (`["pwd", "otp"]`, `["swk", "pin"]`; not `["pwd", "kba"]`).
 */
export function isMultiFactorAmr(amr: readonly string[]): boolean {
  if (amr.includes("mfa")) return true;
  const methods = new Set(amr);
  return methods.size >= 2 && [...methods].some((method) => !knowledgeMethods.has(method));
}

/** What the stage of an SSO sign-in depends on. */
export interface SsoStageInput {
  readonly requirement: MfaRequirement;
  readonly secondFactor: SsoSecondFactor;
  /** The `amr` claim of the ID token; empty when the identity provider sent none. */
  readonly amr: readonly string[];
  readonly enrolledFactors: readonly SecondFactorKind[];
}

/**
 * The stage an SSO sign-in reaches: `authenticated` when the identity provider's multi-factor authentication is
 * accepted and shown by `amr`; otherwise the stages of any sign-in (Gatehouse's own second factor, enrolment).
 */
export function ssoLoginStage(input: SsoStageInput): {
  stage: SessionStage;
  secondFactorVerified: boolean;
} {
  if (input.secondFactor === "identity-provider" && isMultiFactorAmr(input.amr)) {
    return { stage: "authenticated", secondFactorVerified: true };
  }
  const stage = nextLoginStage({
    passwordChangeRequired: false,
    requirement: input.requirement,
    enrolledFactors: input.enrolledFactors,
    secondFactorVerified: false,
  });
  return { stage, secondFactorVerified: false };
}

/**
 * Whether a password may sign a user in: always in a password organization; in an SSO organization only an
 * emergency administrator that staff designated (so a broken identity provider locks nobody out), and then
 * with a second factor (see {@link passwordMfaRequirement}).
 */
export function mayUsePassword(authMode: "password" | "sso", emergencyAdministrator: boolean): boolean {
  return authMode === "password" || emergencyAdministrator;
}

/** The MFA requirement of a password sign-in: an emergency administrator of an SSO organization always needs one. */
export function passwordMfaRequirement(
  authMode: "password" | "sso",
  requirement: MfaRequirement,
): MfaRequirement {
  return authMode === "sso" ? "required" : requirement;
}

function refuse(reason: SsoRefusal): SsoIdentityDecision {
  return { kind: "refuse", reason };
}
