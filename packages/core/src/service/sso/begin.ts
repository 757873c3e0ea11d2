import { generateToken, hashToken } from "../../crypto/tokens.js";
import { normalizeEmail } from "../../policy/invitation.js";
import { emailDomainOf } from "../../policy/sso.js";
import { tokenExpiresAt } from "../../policy/token.js";
import {
  type IdentityProvider,
  type IdentityProviderConnection,
  ssoFailed,
} from "../../store/identity-provider.js";
import type { SsoConnectionRecord } from "../../store/records.js";
import type { ServiceContext } from "../context.js";
import type { BeginSsoInput } from "../inputs.js";
import { parseInput, schemas } from "../schemas.js";
import { clientSecretContext } from "./connections.js";

/** A started SSO sign-in. */
export interface SsoStart {
  /** Where to send the browser: the identity provider's authorization endpoint. */
  readonly url: string;
  /**
   * The sign-in's state: keep it in the browser that started (an HttpOnly, SameSite=Lax cookie) and pass it to
   * `completeSso`, so a callback started by someone else cannot sign this browser in (login CSRF).
   */
  readonly state: string;
  readonly expiresAt: Date;
}

/**
 * Starts an SSO sign-in at an organization's identity provider, named directly or found from an e-mail address
 * by its domain (home-realm discovery). The state, nonce and PKCE verifier are kept single-use in the tokens
 * store for 10 minutes, the verifier and nonce sealed; the state itself is stored only as its SHA-256.
 */
export async function beginSso(ctx: ServiceContext, input: BeginSsoInput): Promise<SsoStart> {
  const parsed = parseInput(schemas.beginSso, input);
  const identityProvider = requireIdentityProvider(ctx);
  const connection = parsed.organizationId
    ? await ctx.store.ssoConnections.findByOrganization(parsed.organizationId)
    : await ctx.store.ssoConnections.findByDomain(emailDomainOf(normalizeEmail(parsed.email as string)));
  const organization = connection ? await ctx.store.organizations.findById(connection.organizationId) : null;
  if (!connection || organization?.settings.authMode !== "sso") {
    throw ssoFailed("no-connection", "This organization does not sign in through an identity provider.");
  }
  // The organization's id leads the state, so a refused callback (replayed, expired) is still audited there.
  const state = `${organization.id}.${generateToken()}`;
  const checks = { state, nonce: generateToken(), codeVerifier: generateToken() };
  const url = await identityProvider.authorizationUrl({
    connection: unsealedConnection(ctx, connection),
    checks,
    redirectUri: parsed.redirectUri,
  });
  const now = ctx.clock.now();
  const hash = hashToken(state);
  const expiresAt = tokenExpiresAt("sso-state", ctx.policyOf(organization).tokens, now);
  await ctx.store.tokens.create({
    hash,
    kind: "sso-state",
    // Nobody is signed in yet: the organization stands in for the user, so pending sign-ins group by it.
    userId: organization.id,
    organizationId: organization.id,
    createdAt: now,
    expiresAt,
    data: {
      connectionId: connection.id,
      issuer: connection.issuer,
      redirectUri: parsed.redirectUri,
      checks: ctx.box.seal(JSON.stringify({ nonce: checks.nonce, codeVerifier: checks.codeVerifier }), hash),
    },
  });
  return { url: url.toString(), state, expiresAt };
}

/** The configured identity provider, or the refusal of an installation without SSO. */
export function requireIdentityProvider(ctx: ServiceContext): IdentityProvider {
  if (!ctx.sso) throw ssoFailed("no-connection", "Single sign-on is not configured (`sso` option).");
  return ctx.sso.identityProvider;
}

/** The connection as the port takes it, its secret opened for this call only. */
export function unsealedConnection(
  ctx: ServiceContext,
  connection: SsoConnectionRecord,
): IdentityProviderConnection {
  return {
    id: connection.id,
    issuer: connection.issuer,
    clientId: connection.clientId,
    clientSecret: ctx.box.openString(
      connection.clientSecretSealed,
      clientSecretContext(connection.organizationId),
    ),
    scopes: connection.scopes,
  };
}
