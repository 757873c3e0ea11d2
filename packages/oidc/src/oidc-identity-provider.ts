import { createHash } from "node:crypto";
import type { IdentityProvider, IdentityProviderConnection, VerifiedIdentity } from "@gatehousejs/core";
import * as client from "openid-client";
import { toDiscoveryError, toExchangeError } from "./errors.js";

/** Options of {@link createOidcIdentityProvider}. */
export interface OidcIdentityProviderOptions {
  /**
   * How long a connection's discovered metadata (and with it the provider's key set) is reused before it is
   * discovered again. A signature by a key the cached set lacks also drops it, so a rotation is picked up.
   * @default 3_600_000 (one hour)
   */
  metadataCacheMs?: number;
  /** How long each request to the identity provider may take before it counts as down. @default 10 */
  timeoutSeconds?: number;
  /**
   * Allows `http://` issuers: FOR TESTS AGAINST A LOCAL PROVIDER ONLY (openid-client's `allowInsecureRequests`).
   * Over plain HTTP the code, the tokens and the client secret travel in clear; never set it in production.
   * @default false
   */
  allowInsecureRequests?: boolean;
  /** A fetch of the host's (a proxy, instrumentation); every request to the provider goes through it. */
  fetch?: client.CustomFetch;
  /** The clock of the host, for the cache only (ID token times are checked against the system clock). */
  now?: () => number;
}

interface CachedConfiguration {
  readonly key: string;
  readonly config: Promise<client.Configuration>;
  readonly at: number;
}

/**
 * The identity-provider port on openid-client 6: discovery, the authorization code flow with PKCE (S256), and
 * every check of the response (RFC 9207 `iss`, state; the ID token's signature, issuer, audience, expiry and
 * nonce). Claims missing from the ID token (`email`, `email_verified`, names) are read from the UserInfo
 * endpoint, whose subject must be the ID token's.
 * @example
 * const gatehouse = createGatehouse({ store, mailer, secrets, sso: { identityProvider: createOidcIdentityProvider() } });
 */
export function createOidcIdentityProvider(options: OidcIdentityProviderOptions = {}): IdentityProvider {
  const cacheMs = options.metadataCacheMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedConfiguration>();

  const configurationOf = async (connection: IdentityProviderConnection): Promise<client.Configuration> => {
    // The secret is part of the key (as a hash): a rotated secret must not keep using the old configuration.
    const key = `${connection.issuer}\n${connection.clientId}\n${sha256(connection.clientSecret)}`;
    const cached = cache.get(connection.id);
    if (cached && cached.key === key && now() - cached.at < cacheMs) return cached.config;
    const config = discover(connection, options);
    cache.set(connection.id, { key, config, at: now() });
    // A failed discovery is not kept: the next sign-in tries again.
    config.catch(() => {
      if (cache.get(connection.id)?.config === config) cache.delete(connection.id);
    });
    return config;
  };

  return {
    async authorizationUrl({ connection, checks, redirectUri }) {
      const config = await configurationOf(connection);
      return client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: connection.scopes.join(" "),
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: "S256",
      });
    },

    async exchange({ connection, callbackUrl, redirectUri, expected }) {
      const config = await configurationOf(connection);
      try {
        const tokens = await client.authorizationCodeGrant(
          config,
          callbackUrl,
          {
            expectedState: expected.state,
            expectedNonce: expected.nonce,
            pkceCodeVerifier: expected.codeVerifier,
            idTokenExpected: true,
          },
          { redirect_uri: redirectUri },
        );
        const claims = tokens.claims();
        if (!claims) throw new client.ClientError("the response carries no ID token");
        const missing =
          claims.email === undefined && tokens.access_token && config.serverMetadata().userinfo_endpoint;
        const userInfo = missing ? await client.fetchUserInfo(config, tokens.access_token, claims.sub) : {};
        return toIdentity({ ...userInfo, ...claims });
      } catch (error) {
        // A key the cached key set lacks: the provider rotated; the next sign-in discovers it afresh.
        if ((error as { code?: unknown }).code === "OAUTH_KEY_SELECTION_FAILED") cache.delete(connection.id);
        throw toExchangeError(error);
      }
    },
  };
}

async function discover(
  connection: IdentityProviderConnection,
  options: OidcIdentityProviderOptions,
): Promise<client.Configuration> {
  try {
    return await client.discovery(
      new URL(connection.issuer),
      connection.clientId,
      connection.clientSecret,
      client.ClientSecretPost(connection.clientSecret),
      {
        timeout: options.timeoutSeconds ?? 10,
        ...(options.allowInsecureRequests && { execute: [client.allowInsecureRequests] }),
        ...(options.fetch && { [client.customFetch]: options.fetch }),
      },
    );
  } catch (error) {
    throw toDiscoveryError(error);
  }
}

function toIdentity(claims: Record<string, unknown>): VerifiedIdentity {
  const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
  return {
    issuer: String(claims.iss),
    subject: String(claims.sub),
    email: text(claims.email),
    // Only an explicit `true`: a provider that says nothing has vouched for nothing.
    emailVerified: claims.email_verified === true,
    givenName: text(claims.given_name),
    familyName: text(claims.family_name),
    amr: Array.isArray(claims.amr) ? claims.amr.filter((value) => typeof value === "string") : [],
  };
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}
