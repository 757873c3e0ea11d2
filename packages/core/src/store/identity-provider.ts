import { GatehouseError } from "../errors.js";
import type { SsoRefusal } from "../policy/sso.js";

// The identity-provider port: core speaks OpenID Connect through it and imports no OIDC client, so a host can
// bring another one. `@gatehousejs/oidc` implements it with openid-client.

/** What the port needs of an organization's connection; the client secret arrives unsealed, for this call only. */
export interface IdentityProviderConnection {
  /** The connection's id: an implementation may cache the provider's metadata under it. */
  readonly id: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
}

/** The one-time values of a sign-in, made by the service and kept single-use in its tokens store. */
export interface SsoChecks {
  readonly state: string;
  readonly nonce: string;
  /** The PKCE verifier (RFC 7636); its S256 challenge goes in the authorization URL. */
  readonly codeVerifier: string;
}

/** A person as the identity provider vouched for them, after every check of the response passed. */
export interface VerifiedIdentity {
  /** The ID token's `iss`: the connection's issuer. */
  readonly issuer: string;
  /** The ID token's `sub`: stable for this person at this issuer. */
  readonly subject: string;
  readonly email: string | null;
  /** Only `true` when the provider says `email_verified: true`. */
  readonly emailVerified: boolean;
  readonly givenName: string | null;
  readonly familyName: string | null;
  /** The `amr` claim (RFC 8176), empty when absent. */
  readonly amr: readonly string[];
}

/** Signs people in at an OpenID Connect provider: builds the authorization URL and verifies the callback. */
export interface IdentityProvider {
  /**
   * The authorization URL of the code flow: `state`, `nonce` and the S256 challenge of `codeVerifier`, the
   * connection's scopes and `redirectUri`. MUST throw `IDP_UNAVAILABLE` when the provider cannot be reached or
   * its metadata is not valid.
   */
  authorizationUrl(input: {
    connection: IdentityProviderConnection;
    checks: SsoChecks;
    redirectUri: string;
  }): Promise<URL>;
  /**
   * Verifies the callback and redeems its code: the response's `state` and RFC 9207 `iss`, then the ID token's
   * signature, issuer, audience, expiry and nonce, with the PKCE verifier. MUST resolve only with an identity
   * whose every check passed; MUST throw `SSO_FAILED` (`details.reason`: `idp-refused` or
   * `verification-failed`) when the response does not verify, and `IDP_UNAVAILABLE` when the provider is down
   * or answers something that is not a protocol response.
   */
  exchange(input: {
    connection: IdentityProviderConnection;
    callbackUrl: URL;
    redirectUri: string;
    expected: SsoChecks;
  }): Promise<VerifiedIdentity>;
}

/**
 * An SSO sign-in refused: `details.reason` says why (see `SsoRefusal`).
 * @example throw ssoFailed("verification-failed", "The ID token's audience is not this client.", { cause });
 */
export function ssoFailed(
  reason: SsoRefusal,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): GatehouseError {
  return new GatehouseError("SSO_FAILED", message, { ...options.details, reason }, { cause: options.cause });
}

/**
 * The identity provider could not be reached, or answered something that is not a protocol response.
 * @example throw identityProviderUnavailable("unreachable", "The identity provider did not answer.", { cause });
 */
export function identityProviderUnavailable(
  reason: "unreachable" | "invalid-response",
  message: string,
  options: { cause?: unknown } = {},
): GatehouseError {
  return new GatehouseError("IDP_UNAVAILABLE", message, { reason }, { cause: options.cause });
}
