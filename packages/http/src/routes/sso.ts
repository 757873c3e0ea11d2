import { GatehouseError, httpStatusOf, ssoFailed } from "@gatehousejs/core";
import { z } from "zod";
import { HttpProblem } from "../problem.js";
import { errorLocation } from "../sso.js";
import { type Reply, type Route, type RouteCall, route } from "./route.js";

// Who to sign in: an organization, or an e-mail address whose domain names it (home-realm discovery). The
// service checks that exactly one is given; `returnTo` is checked here, a path of this site only.
const startFields = {
  organizationId: z.string().max(100).optional(),
  email: z.string().max(320).optional(),
  returnTo: z.string().max(2000).optional(),
};
const startQuery = z.object(startFields);
const startBody = z.object(startFields).strict();

// The parameters of an authorization response (RFC 6749 4.1.2, RFC 9207 `iss`, OIDC session management's
// `session_state`); any other parameter of the query is not passed on.
const callbackQuery = z.object({
  code: z.string().max(4000).optional(),
  state: z.string().max(300).optional(),
  iss: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
  error_uri: z.string().max(2000).optional(),
  session_state: z.string().max(1000).optional(),
});

type StartInput = z.output<typeof startQuery>;

/** Starts the sign-in at the identity provider and binds its state to this browser. */
async function start(call: RouteCall<unknown>, input: StartInput): Promise<{ url: string; expiresAt: Date }> {
  const returnTo = call.sso.returnPath(input.returnTo);
  const who = input.organizationId !== undefined ? { organizationId: input.organizationId } : {};
  const { url, state, expiresAt } = await call.gatehouse.beginSso({
    ...who,
    ...(input.email !== undefined && { email: input.email }),
    redirectUri: call.sso.callbackUrl,
  });
  call.sso.bind(state, returnTo, expiresAt);
  return { url, expiresAt };
}

/**
 * A refused browser step goes to the host's error page when it has one (an identity provider that is down
 * included); otherwise, and for a failure of this side (storage, a bug), the problem is answered.
 */
async function orErrorPage(call: RouteCall<unknown>, step: () => Promise<Reply>): Promise<Reply> {
  try {
    return await step();
  } catch (error) {
    const { errorPath } = call.sso;
    const providerDown = error instanceof GatehouseError && error.code === "IDP_UNAVAILABLE";
    if (errorPath === null || (statusOf(error) >= 500 && !providerDown)) throw error;
    return { status: 303, location: errorLocation(errorPath, error) };
  }
}

function statusOf(error: unknown): number {
  if (error instanceof HttpProblem) return error.status;
  return error instanceof GatehouseError ? httpStatusOf(error.code) : 500;
}

/** Completes the sign-in the browser started, from the provider's callback parameters. */
async function complete(call: RouteCall<unknown>, params: Record<string, string>): Promise<string> {
  const { gatehouse } = call;
  const bound = call.sso.bound();
  // No sign-in was started in this browser: a callback URL opened elsewhere (login CSRF) is refused before
  // the service is asked anything, so it writes nothing, not even an audit entry.
  if (bound === null) {
    throw ssoFailed("state-mismatch", "This sign-in was not started in this browser: start again.");
  }
  try {
    const result = await gatehouse.completeSso({ params, state: bound.state });
    call.sso.release();
    // The session this client held before is ended rather than left behind, unused but valid.
    if (call.token !== null && call.token !== result.token) {
      await gatehouse.logout({ sessionToken: call.token });
    }
    call.issueSession(result);
    // Whatever the stage (a second factor may follow), the host's page at the return path takes it from here.
    return bound.returnTo;
  } catch (error) {
    // The started sign-in is used up (or expired), except when the callback was someone else's: then this
    // browser's own sign-in may still come back.
    const reason = (error as { details?: { reason?: unknown } }).details?.reason;
    if (reason !== "state-mismatch") call.sso.release();
    throw error;
  }
}

/**
 * SSO sign-in: the start (by organization or by e-mail domain), as a redirect for browsers or as the URL for
 * API clients, and the identity provider's callback, which signs in like a password would (a second factor may
 * follow) and returns to a path of this site.
 */
export const ssoRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/sso/start",
    summary:
      "Start an SSO sign-in (organizationId, or email for home-realm discovery): redirects to the identity provider.",
    stage: "any",
    status: 303,
    throttle: "sign-in",
    input: { from: "query", schema: startQuery },
    async handle(call) {
      return orErrorPage(call, async () => ({ status: 303, location: (await start(call, call.input)).url }));
    },
  }),
  route({
    method: "POST",
    path: "/sso/start",
    summary:
      "Start an SSO sign-in and answer the identity provider's URL, for a client that navigates itself.",
    stage: "any",
    throttle: "sign-in",
    input: { from: "body", schema: startBody },
    async handle(call) {
      return { status: 200, body: await start(call, call.input) };
    },
  }),
  route({
    method: "GET",
    path: "/sso/callback",
    summary:
      "The identity provider's redirect back (code, state, iss): signs in and redirects to the start's returnTo.",
    stage: "any",
    status: 303,
    throttle: "sso-callback",
    input: { from: "query", schema: callbackQuery },
    async handle(call) {
      return orErrorPage(call, async () => {
        const params = Object.fromEntries(
          Object.entries(call.input).filter((entry): entry is [string, string] => entry[1] !== undefined),
        );
        return { status: 303, location: await complete(call, params) };
      });
    },
  }),
];
