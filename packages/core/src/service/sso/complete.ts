import { hashToken, timingSafeEqualString } from "../../crypto/tokens.js";
import { GatehouseError } from "../../errors.js";
import { effectiveMfaRequirement } from "../../policy/organization-settings.js";
import type { SsoRefusal } from "../../policy/sso.js";
import { ssoLoginStage } from "../../policy/sso.js";
import {
  identityProviderUnavailable,
  ssoFailed,
  type VerifiedIdentity,
} from "../../store/identity-provider.js";
import type { ServiceContext } from "../context.js";
import { enrolledFactors } from "../factors/index.js";
import type { CompleteSsoInput } from "../inputs.js";
import { auditLogin } from "../login.js";
import { type LoginResult, toLoginResult } from "../login-result.js";
import { parseInput, schemas } from "../schemas.js";
import { issueSession } from "../sessions.js";
import { requireIdentityProvider, unsealedConnection } from "./begin.js";
import { resolveSsoUser } from "./resolve-user.js";

/**
 * Completes an SSO sign-in from the identity provider's callback. The state is consumed first (single use,
 * 10 minutes), then the port verifies the response and redeems the code, then the person is found by their
 * link (issuer, subject) or linked or created as the provisioning policy allows; then the stages of any
 * sign-in follow (a second factor unless the provider's `amr` is accepted). Every refusal is an `SSO_FAILED` or
 * `IDP_UNAVAILABLE` error with `details.reason`, audited in the organization, and leaves no session and no user.
 */
export async function completeSso(ctx: ServiceContext, input: CompleteSsoInput): Promise<LoginResult> {
  const parsed = parseInput(schemas.completeSso, input);
  const identityProvider = requireIdentityProvider(ctx);
  const returned = parsed.callbackUrl
    ? new URL(parsed.callbackUrl).searchParams.get("state")
    : (parsed.params?.state ?? null);
  const refusals = refuser(ctx, parsed.state.slice(0, Math.max(0, parsed.state.indexOf("."))));
  if (returned === null || !timingSafeEqualString(returned, parsed.state)) {
    throw await refusals.refuse(
      "state-mismatch",
      "This sign-in was not started in this browser: start again.",
    );
  }
  const pending = await ctx.store.tokens.consume(hashToken(parsed.state), "sso-state", ctx.clock.now());
  if (!pending) {
    throw await refusals.refuse(
      "state-invalid",
      "This sign-in was already completed or has expired: start again.",
    );
  }
  if (parsed.organizationId !== undefined && parsed.organizationId !== pending.organizationId) {
    throw await refusals.refuse(
      "connection-mismatch",
      "This callback belongs to another organization's sign-in.",
    );
  }
  const [organization, connection] = await Promise.all([
    ctx.store.organizations.findById(pending.organizationId),
    ctx.store.ssoConnections.findByOrganization(pending.organizationId),
  ]);
  if (
    !organization ||
    !connection ||
    organization.settings.authMode !== "sso" ||
    connection.id !== pending.data.connectionId ||
    connection.issuer !== pending.data.issuer
  ) {
    throw await refusals.refuse(
      "connection-mismatch",
      "The organization's SSO connection changed: start again.",
    );
  }
  const expected = JSON.parse(ctx.box.openString(pending.data.checks ?? "", pending.hash)) as {
    nonce: string;
    codeVerifier: string;
  };
  const redirectUri = pending.data.redirectUri ?? "";
  let identity: VerifiedIdentity;
  try {
    identity = await identityProvider.exchange({
      connection: unsealedConnection(ctx, connection),
      callbackUrl: parsed.callbackUrl ? new URL(parsed.callbackUrl) : withParams(redirectUri, parsed.params),
      redirectUri,
      expected: { state: parsed.state, ...expected },
    });
  } catch (error) {
    throw await refusals.report(toIdentityProviderError(error));
  }
  if (identity.issuer !== connection.issuer) {
    throw await refusals.refuse("connection-mismatch", "The identity came from another issuer.", identity);
  }
  const resolved = await resolveSsoUser(ctx, organization, connection, identity);
  if (resolved.kind === "refused") throw await refusals.refuse(resolved.reason, resolved.message, identity);
  const { user } = resolved;
  const policy = ctx.policyOf(organization);
  const { stage, secondFactorVerified } = ssoLoginStage({
    requirement: effectiveMfaRequirement(organization.settings, policy),
    secondFactor: connection.secondFactor,
    amr: identity.amr,
    enrolledFactors: enrolledFactors(user),
  });
  const session = await issueSession(ctx, user, policy, stage, { secondFactorVerified });
  const action = stage === "mfa" ? "login.sso-verified" : "login.succeeded";
  await auditLogin(ctx, user, action, { method: "sso", stage, issuer: identity.issuer, amr: identity.amr });
  return toLoginResult(session, user, policy);
}

/** Refuses and audits in the organization the state names, when it exists (a forged state audits nowhere). */
function refuser(ctx: ServiceContext, organizationId: string) {
  const report = async (error: GatehouseError, identity?: VerifiedIdentity): Promise<GatehouseError> => {
    const organization = organizationId ? await ctx.store.organizations.findById(organizationId) : null;
    if (organization) {
      await ctx.audit(ctx.store, [
        {
          organizationId: organization.id,
          action: "sso.refused",
          actor: { kind: "anonymous", id: null, email: identity?.email ?? null },
          subjectEmail: identity?.email ?? null,
          details: {
            code: error.code,
            reason: error.details.reason,
            ...(identity && { issuer: identity.issuer, subject: identity.subject }),
          },
        },
      ]);
    }
    return error;
  };
  return {
    report,
    refuse: (reason: SsoRefusal, message: string, identity?: VerifiedIdentity) =>
      report(ssoFailed(reason, message), identity),
  };
}

/** A port's own errors pass as they are; anything else it throws is an answer that could not be understood. */
function toIdentityProviderError(error: unknown): GatehouseError {
  if (error instanceof GatehouseError && (error.code === "SSO_FAILED" || error.code === "IDP_UNAVAILABLE"))
    return error;
  if (error instanceof GatehouseError && error.code === "STORAGE_UNAVAILABLE") return error;
  return identityProviderUnavailable(
    "invalid-response",
    "The identity provider's answer could not be used.",
    {
      cause: error,
    },
  );
}

function withParams(redirectUri: string, params: Record<string, string> | undefined): URL {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params ?? {})) url.searchParams.set(key, value);
  return url;
}
