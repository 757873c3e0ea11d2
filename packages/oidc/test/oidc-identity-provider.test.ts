import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { IdentityProvider, IdentityProviderConnection, SsoChecks } from "@gatehousejs/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createOidcIdentityProvider, type OidcIdentityProviderOptions } from "../src/index.js";
import {
  REDIRECT_URI,
  signingKey,
  startProvider,
  type TestAccount,
  type TestProvider,
} from "./support/provider.js";

// The port's real implementation against a real OpenID provider (oidc-provider) in this process. The issuer is
// http://127.0.0.1:<port>, so the adapter is created with `allowInsecureRequests`: a test-only option.

let op: TestProvider;
beforeAll(async () => {
  op = await startProvider();
});
afterAll(() => op.close());
afterEach(() => {
  vi.useRealTimers();
});

const connectionFor = (clientIndex = 0): IdentityProviderConnection => {
  const client = op.clients[clientIndex] as { clientId: string; clientSecret: string };
  return {
    id: `sso_${client.clientId}`,
    issuer: op.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    scopes: ["openid", "email", "profile"],
  };
};
const newChecks = (): SsoChecks => ({
  state: randomBytes(16).toString("base64url"),
  nonce: randomBytes(16).toString("base64url"),
  codeVerifier: randomBytes(32).toString("base64url"),
});
const account = (fields: Partial<TestAccount> = {}): TestAccount => ({
  sub: `person-${randomBytes(4).toString("hex")}`,
  email: "ann@acme.test",
  emailVerified: true,
  givenName: "Ann",
  familyName: "Lee",
  ...fields,
});
const adapter = (options: OidcIdentityProviderOptions = {}): IdentityProvider =>
  createOidcIdentityProvider({ allowInsecureRequests: true, ...options });

/** Begins at the adapter, signs `person` in at the provider, and returns what the callback brings back. */
async function authorize(idp: IdentityProvider, person: TestAccount, connection = connectionFor()) {
  const checks = newChecks();
  const url = await idp.authorizationUrl({ connection, checks, redirectUri: REDIRECT_URI });
  const callbackUrl = await op.signIn(url, person);
  return { checks, callbackUrl, connection };
}

describe("@gatehousejs/oidc against oidc-provider", () => {
  it("discovery, then the code flow with PKCE: the identity carries issuer, subject, verified e-mail and amr", async () => {
    const idp = adapter();
    const person = account({ amr: ["pwd", "otp"] });
    const { checks, callbackUrl, connection } = await authorize(idp, person);
    const url = new URL((await idp.authorizationUrl({ connection, checks, redirectUri: REDIRECT_URI })).href);
    expect(url.origin).toBe(op.issuer);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).not.toBe(checks.codeVerifier);
    expect(callbackUrl.searchParams.get("iss")).toBe(op.issuer);
    const identity = await idp.exchange({
      connection,
      callbackUrl,
      redirectUri: REDIRECT_URI,
      expected: checks,
    });
    expect(identity).toEqual({
      issuer: op.issuer,
      subject: person.sub,
      email: "ann@acme.test",
      emailVerified: true,
      givenName: "Ann",
      familyName: "Lee",
      amr: ["pwd", "otp"],
    });
  });

  it("an unverified address is reported unverified; a code is redeemed once", async () => {
    const idp = adapter();
    const { checks, callbackUrl, connection } = await authorize(idp, account({ emailVerified: false }));
    const exchange = () =>
      idp.exchange({ connection, callbackUrl, redirectUri: REDIRECT_URI, expected: checks });
    expect((await exchange()).emailVerified).toBe(false);
    await expect(exchange()).rejects.toMatchObject({
      code: "SSO_FAILED",
      details: { reason: "idp-refused" },
    });
  });

  it("a wrong PKCE verifier is refused by the provider", async () => {
    const idp = adapter();
    const { checks, callbackUrl, connection } = await authorize(idp, account());
    const expected = { ...checks, codeVerifier: randomBytes(32).toString("base64url") };
    await expect(
      idp.exchange({ connection, callbackUrl, redirectUri: REDIRECT_URI, expected }),
    ).rejects.toMatchObject({
      code: "SSO_FAILED",
      details: { reason: "idp-refused", error: "invalid_grant" },
    });
  });

  it("an ID token whose nonce is not this sign-in's is refused", async () => {
    const idp = adapter();
    const { checks, callbackUrl, connection } = await authorize(idp, account());
    const expected = { ...checks, nonce: "another-nonce" };
    await expect(
      idp.exchange({ connection, callbackUrl, redirectUri: REDIRECT_URI, expected }),
    ).rejects.toMatchObject({
      code: "SSO_FAILED",
      details: { reason: "verification-failed", claim: "nonce" },
    });
  });

  it("RFC 9207: a callback whose iss names another issuer is refused (mix-up)", async () => {
    const idp = adapter();
    const { checks, callbackUrl, connection } = await authorize(idp, account());
    callbackUrl.searchParams.set("iss", "https://attacker.example");
    await expect(
      idp.exchange({ connection, callbackUrl, redirectUri: REDIRECT_URI, expected: checks }),
    ).rejects.toMatchObject({ code: "SSO_FAILED", details: { reason: "verification-failed" } });
  });

  it("a wrong audience: an ID token the provider issued to another client is refused", async () => {
    // The other client's real token response, captured, then served to this client's code redemption.
    let captured: string | null = null;
    const other = adapter({
      fetch: async (url, options) => {
        const response = await fetch(url, options as RequestInit);
        if (url.endsWith("/token")) captured = await response.clone().text();
        return response;
      },
    });
    const first = await authorize(other, account(), connectionFor(1));
    await other.exchange({ ...first, redirectUri: REDIRECT_URI, expected: first.checks });
    const idp = adapter({
      fetch: async (url, options) => {
        const response = await fetch(url, options as RequestInit);
        if (!url.endsWith("/token")) return response;
        return new Response(captured, { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    const second = await authorize(idp, account());
    // The same nonce, so only the audience differs.
    const expected = { ...second.checks, nonce: first.checks.nonce };
    await expect(idp.exchange({ ...second, redirectUri: REDIRECT_URI, expected })).rejects.toMatchObject({
      code: "SSO_FAILED",
      details: { reason: "verification-failed", claim: "aud" },
    });
  });

  it("an expired ID token is refused", async () => {
    // The token response arrives, then two hours pass before it is checked (the provider's ID tokens live one).
    const idp = adapter({
      fetch: async (url, options) => {
        const response = await fetch(url, options as RequestInit);
        if (url.endsWith("/token")) vi.setSystemTime(Date.now() + 2 * 3_600_000);
        return response;
      },
    });
    const { checks, callbackUrl, connection } = await authorize(idp, account());
    await expect(
      idp.exchange({ connection, callbackUrl, redirectUri: REDIRECT_URI, expected: checks }),
    ).rejects.toMatchObject({ code: "SSO_FAILED", details: { reason: "verification-failed", claim: "exp" } });
  });

  it("key rotation: after the provider signs with a new key, sign-ins verify against its new key set", async () => {
    const idp = adapter();
    const before = await authorize(idp, account());
    await idp.exchange({ ...before, redirectUri: REDIRECT_URI, expected: before.checks });
    op.rotate([signingKey("k2"), signingKey("k1-retired")]);
    // openid-client refetches a key set missing the token's key once the cached one is a minute old.
    vi.setSystemTime(Date.now() + 61_000);
    const after = await authorize(idp, account());
    const identity = await idp.exchange({ ...after, redirectUri: REDIRECT_URI, expected: after.checks });
    expect(identity.issuer).toBe(op.issuer);
  });

  it("http issuers are refused unless allowInsecureRequests (tests only) is set", async () => {
    const idp = createOidcIdentityProvider();
    const call = idp.authorizationUrl({
      connection: connectionFor(),
      checks: newChecks(),
      redirectUri: REDIRECT_URI,
    });
    await expect(call).rejects.toMatchObject({
      code: "IDP_UNAVAILABLE",
      details: { reason: "invalid-response" },
    });
  });

  it("a provider that is down, or answers garbage, is IDP_UNAVAILABLE", async () => {
    const garbage = createServer((_req, res) => res.end("<html>It works!</html>"));
    await new Promise<void>((resolve) => garbage.listen(0, "127.0.0.1", resolve));
    const garbageIssuer = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    const downIssuer = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const idp = adapter({ timeoutSeconds: 2 });
    const begin = (issuer: string) =>
      idp.authorizationUrl({
        connection: { ...connectionFor(), id: issuer, issuer },
        checks: newChecks(),
        redirectUri: REDIRECT_URI,
      });
    await expect(begin(downIssuer)).rejects.toMatchObject({
      code: "IDP_UNAVAILABLE",
      details: { reason: "unreachable" },
    });
    await expect(begin(garbageIssuer)).rejects.toMatchObject({
      code: "IDP_UNAVAILABLE",
      details: { reason: "invalid-response" },
    });
    await new Promise<void>((resolve) => garbage.close(() => resolve()));
  });
});
