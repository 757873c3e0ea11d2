import { createHash, randomBytes } from "node:crypto";
import {
  type IdentityProvider,
  type IdentityProviderConnection,
  identityProviderUnavailable,
  ssoFailed,
  type VerifiedIdentity,
} from "../store/identity-provider.js";

/** A person at the fake identity provider. */
export interface FakePerson {
  readonly subject: string;
  readonly email?: string | null;
  /** @default true */
  readonly emailVerified?: boolean;
  /** @default ["pwd"] */
  readonly amr?: readonly string[];
  readonly givenName?: string | null;
  readonly familyName?: string | null;
}

/**
 * An in-process identity provider that keeps the port's contract (state, RFC 9207 `iss`, single-use codes
 * bound to the client, the PKCE verifier and the nonce), for the service's tests. It verifies no signature:
 * the real verification is `@gatehousejs/oidc`'s, tested against a real OpenID provider.
 */
export interface FakeIdentityProvider extends IdentityProvider {
  /**
   * What the browser would bring back after `person` signed in at `authorizationUrl`: the callback URL with a
   * code, the state and `iss`; or, with `error`, the provider's refusal.
   */
  authorize(authorizationUrl: string, person: FakePerson, options?: { error?: string; iss?: string }): string;
  /** `down`: unreachable; `garbage`: answers what is not a protocol response; `up`: works. */
  setHealth(health: "up" | "down" | "garbage"): void;
}

interface PendingCode {
  readonly person: FakePerson;
  readonly clientId: string;
  readonly issuer: string;
  readonly nonce: string;
  readonly challenge: string;
  readonly redirectUri: string;
}

const s256 = (verifier: string): string => createHash("sha256").update(verifier).digest("base64url");

/**
 * Creates a fake identity provider for tests of the service's SSO flows.
 * @example
 * const idp = createFakeIdentityProvider();
 * const gatehouse = createGatehouse({ ...options, sso: { identityProvider: idp } });
 * const { url, state } = await gatehouse.beginSso({ organizationId, redirectUri });
 * const callbackUrl = idp.authorize(url, { subject: "u1", email: "ann@acme.test" });
 * await gatehouse.completeSso({ callbackUrl, state });
 */
export function createFakeIdentityProvider(): FakeIdentityProvider {
  const codes = new Map<string, PendingCode>();
  let health: "up" | "down" | "garbage" = "up";
  const reachable = (): void => {
    if (health === "down") throw identityProviderUnavailable("unreachable", "The identity provider is down.");
    if (health === "garbage")
      throw identityProviderUnavailable("invalid-response", "The identity provider answered garbage.");
  };
  const fail = (message: string) => ssoFailed("verification-failed", message);

  return {
    setHealth(next) {
      health = next;
    },

    async authorizationUrl({ connection, checks, redirectUri }) {
      reachable();
      const url = new URL("/authorize", connection.issuer);
      url.search = new URLSearchParams({
        response_type: "code",
        client_id: connection.clientId,
        redirect_uri: redirectUri,
        scope: connection.scopes.join(" "),
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: s256(checks.codeVerifier),
        code_challenge_method: "S256",
      }).toString();
      return url;
    },

    authorize(authorizationUrl, person, options = {}) {
      const request = new URL(authorizationUrl).searchParams;
      const issuer = new URL(authorizationUrl).origin;
      const callback = new URL(request.get("redirect_uri") ?? "");
      callback.searchParams.set("state", request.get("state") ?? "");
      callback.searchParams.set("iss", options.iss ?? issuer);
      if (options.error) {
        callback.searchParams.set("error", options.error);
        return callback.toString();
      }
      const code = randomBytes(16).toString("base64url");
      codes.set(code, {
        person,
        clientId: request.get("client_id") ?? "",
        issuer,
        nonce: request.get("nonce") ?? "",
        challenge: request.get("code_challenge") ?? "",
        redirectUri: request.get("redirect_uri") ?? "",
      });
      callback.searchParams.set("code", code);
      return callback.toString();
    },

    async exchange({ connection, callbackUrl, redirectUri, expected }): Promise<VerifiedIdentity> {
      reachable();
      const params = callbackUrl.searchParams;
      if (params.get("state") !== expected.state) throw fail("The response's state is not the expected one.");
      if (params.get("iss") !== issuerOrigin(connection))
        throw fail("The response's iss is not the connection's issuer (mix-up).");
      const error = params.get("error");
      if (error) throw ssoFailed("idp-refused", `The identity provider refused: ${error}.`);
      const code = codes.get(params.get("code") ?? "");
      codes.delete(params.get("code") ?? "");
      if (!code) throw ssoFailed("idp-refused", "The code is unknown or was already used (invalid_grant).");
      if (code.clientId !== connection.clientId) throw fail("The code was issued to another client.");
      if (code.redirectUri !== redirectUri) throw fail("The redirect URI differs from the authorization's.");
      if (code.challenge !== s256(expected.codeVerifier)) throw fail("The PKCE verifier does not match.");
      if (code.nonce !== expected.nonce) throw fail("The ID token's nonce is not the expected one.");
      const { person } = code;
      return {
        issuer: connection.issuer,
        subject: person.subject,
        email: person.email ?? null,
        emailVerified: person.emailVerified ?? true,
        givenName: person.givenName ?? null,
        familyName: person.familyName ?? null,
        amr: [...(person.amr ?? ["pwd"])],
      };
    },
  };
}

/** The fake's issuers are origins: `https://idp.acme.test`. */
function issuerOrigin(connection: IdentityProviderConnection): string {
  return new URL(connection.issuer).origin;
}
