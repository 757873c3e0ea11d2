import { GatehouseError, identityProviderUnavailable, ssoFailed } from "@gatehousejs/core";
import * as client from "openid-client";

// openid-client's errors become the port's two codes: IDP_UNAVAILABLE when the provider cannot be reached or
// answers what is not a protocol response; SSO_FAILED when it answered and the answer does not verify.

/** Codes of openid-client (oauth4webapi) for an answer that is not a protocol response at all. */
const garbage = new Set([
  "OAUTH_RESPONSE_IS_NOT_JSON",
  "OAUTH_RESPONSE_IS_NOT_CONFORM",
  "OAUTH_PARSE_ERROR",
  "OAUTH_INVALID_SERVER_METADATA",
  "OAUTH_MISSING_SERVER_METADATA",
]);

/** Any failure of discovery: the provider is down, or its metadata cannot be used. */
export function toDiscoveryError(error: unknown): GatehouseError {
  if (error instanceof GatehouseError) return error;
  if (isNetworkError(error))
    return identityProviderUnavailable("unreachable", "The identity provider did not answer.", {
      cause: error,
    });
  const code = codeOf(error);
  const message =
    code === "OAUTH_HTTP_REQUEST_FORBIDDEN"
      ? "The issuer is not https: only tests may allow http (`allowInsecureRequests`)."
      : `The identity provider's metadata cannot be used (${messageOf(error)}).`;
  return identityProviderUnavailable("invalid-response", message, { cause: error });
}

/** A failure of the callback's processing or the code's redemption. */
export function toExchangeError(error: unknown): GatehouseError {
  if (error instanceof GatehouseError) return error;
  if (isNetworkError(error))
    return identityProviderUnavailable("unreachable", "The identity provider did not answer.", {
      cause: error,
    });
  if (error instanceof client.AuthorizationResponseError) {
    return ssoFailed("idp-refused", `The identity provider refused the sign-in (${error.error}).`, {
      cause: error,
      details: { error: error.error },
    });
  }
  if (error instanceof client.ResponseBodyError) {
    if (error.status >= 500)
      return identityProviderUnavailable("invalid-response", "The identity provider failed.", {
        cause: error,
      });
    return ssoFailed("idp-refused", `The identity provider refused the code (${error.error}).`, {
      cause: error,
      details: { error: error.error },
    });
  }
  const code = codeOf(error);
  if (code !== undefined && garbage.has(code)) {
    return identityProviderUnavailable(
      "invalid-response",
      `The identity provider's answer is not valid (${messageOf(error)}).`,
      {
        cause: error,
      },
    );
  }
  // Everything else is a check that did not pass: signature, issuer, audience, expiry, nonce, state, `iss`.
  return ssoFailed(
    "verification-failed",
    `The identity provider's answer did not verify: ${messageOf(error)}.`,
    {
      cause: error,
      details: { check: code ?? null, claim: claimOf(error) },
    },
  );
}

function isNetworkError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") return true;
  // Node's fetch rejects with `TypeError: fetch failed`, the socket's error as its cause.
  return error instanceof TypeError && error.message === "fetch failed";
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The claim a comparison failed on (`aud`, `iss`, `nonce`, `exp`), when openid-client says (in a cause). */
function claimOf(error: unknown): string | null {
  let current = error as { cause?: unknown; claim?: unknown } | null | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.claim === "string") return current.claim;
    current = current.cause as typeof current;
  }
  return null;
}
