import type { FlowPermissions, Gatehouse, LoginResult } from "@gatehousejs/core";
import type { z } from "zod";
import type { BoundSignIn, StaffActor } from "../sso.js";
import type { ThrottleName } from "../throttle.js";
import type { RequestAuth, SignedInAuth } from "../types.js";

/** The HTTP methods the routes use. */
export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What a route's handler is given: the service, the request's session, its checked input and its cookies. */
export interface RouteCall<Input, Auth extends RequestAuth = RequestAuth> {
  readonly gatehouse: Gatehouse;
  readonly auth: Auth;
  /** The session token of the request's valid session, or `null`; it never comes from the body. */
  readonly token: string | null;
  /** The body or query, parsed by the route's schema (`undefined` for a route without one). */
  readonly input: Input;
  /** The path's parameters, e.g. `{ id }` of `/users/:id`. */
  readonly params: Readonly<Record<string, string>>;
  /** Whether session bodies also carry the token (for clients that cannot hold cookies). */
  readonly exposeToken: boolean;
  /** Hands a session the service issued to the client in the cookie. */
  issueSession(session: { readonly token: string; readonly expiresAt: Date }): void;
  /** Forgets the request's session and has the client drop its cookie. */
  endSession(): void;
  /** The request itself (its URL and cookies), for the SSO routes. */
  readonly request: Request;
  /** The staff or system actor the handler's `staff` option finds on the request, or `null`. */
  staff(): Promise<StaffActor | null>;
  /** The SSO sign-in's binding to the browser, and where it returns. */
  readonly sso: SsoCall;
}

/** What the SSO routes need of the layer: the sign-in's cookie, the callback URL and the paths to return to. */
export interface SsoCall {
  /** The callback's absolute URL (the `redirect_uri` the identity provider sends the browser back to). */
  readonly callbackUrl: string;
  /** The error page a refused browser sign-in is redirected to, or `null` (problem+json). */
  readonly errorPath: string | null;
  /** The checked path to return to (the default when none is asked); another origin is a VALIDATION error. */
  returnPath(requested: string | undefined): string;
  /** Keeps a started sign-in's state and return path in the browser's HttpOnly cookie until `expiresAt`. */
  bind(state: string, returnTo: string, expiresAt: Date): void;
  /** The sign-in this browser started, or `null`. */
  bound(): BoundSignIn | null;
  /** Has the browser drop the sign-in's cookie. */
  release(): void;
}

/** What a route answers on success: a status and a JSON body (none for 204), or a redirect (303 and `location`). */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** Where a redirect sends the browser (an absolute URL, or a path of this site). */
  readonly location?: string;
}

/** Where a route's input comes from, and the schema from core's `schemas` that checks it. */
export type RouteInput =
  | { readonly from: "body"; readonly schema: z.ZodType; readonly optional?: boolean }
  | { readonly from: "query"; readonly schema: z.ZodObject; readonly numbers?: readonly string[] };

/** The statuses of a route's success: OK, Created, Accepted (sent later), No Content, See Other (a redirect). */
export type SuccessStatus = 200 | 201 | 202 | 204 | 303;

/** The stage a route needs: `"authenticated"` (checked by the layer, 401 otherwise), or any (the service checks). */
export type RouteStage = "authenticated" | "any";

/** One row of the route table: everything the layer needs to serve the route, and to describe it. */
export interface Route {
  readonly method: RouteMethod;
  /** The path under the handler's base path; `:name` segments are parameters. */
  readonly path: string;
  /** One line on what the route does. */
  readonly summary: string;
  readonly stage: RouteStage;
  /** The status of a success (200 unless the route creates, accepts for later, or answers nothing). */
  readonly status: SuccessStatus;
  /** The flow permission the service checks for it (see `gatehouse.config.permissions`), or `null`. */
  readonly permission: keyof FlowPermissions | null;
  /** The per-client throttle the route counts against, or `null`. */
  readonly throttle: ThrottleName | null;
  /** Whether platform staff (the handler's `staff` option) may call it besides a signed-in member. */
  readonly staff: boolean;
  readonly input: RouteInput | null;
  handle(call: RouteCall<unknown>): Promise<Reply>;
}

type InputOf<I> = I extends { schema: infer S extends z.ZodType }
  ? I extends { optional: true }
    ? z.output<S> | undefined
    : z.output<S>
  : undefined;
type AuthOf<S extends RouteStage> = S extends "authenticated" ? SignedInAuth : RequestAuth;

/** Declares a route, typing its handler's input by its schema and its auth by its stage. */
export function route<const I extends RouteInput | null, const S extends RouteStage>(definition: {
  method: RouteMethod;
  path: string;
  summary: string;
  stage: S;
  status?: SuccessStatus;
  permission?: keyof FlowPermissions;
  throttle?: ThrottleName;
  staff?: boolean;
  input: I;
  handle(call: RouteCall<InputOf<I>, AuthOf<S>>): Promise<Reply>;
}): Route {
  return {
    method: definition.method,
    path: definition.path,
    summary: definition.summary,
    stage: definition.stage,
    status: definition.status ?? 200,
    permission: definition.permission ?? null,
    throttle: definition.throttle ?? null,
    staff: definition.staff === true,
    input: definition.input,
    handle: definition.handle as Route["handle"],
  };
}

/**
 * What a sign-in step answers: the session's stage and deadline and what the next step needs; the user only
 * once signed in (a pending stage shows nothing about the person).
 */
export type SessionBody = Omit<LoginResult, "token"> & { readonly token?: string };

/** Hands the new session to the client in the cookie and answers the rest (the token only when exposed). */
export function sessionReply(
  call: RouteCall<unknown>,
  result: LoginResult,
  extra: Record<string, unknown> = {},
): Reply {
  call.issueSession(result);
  const { token, ...rest } = result;
  const body: SessionBody = { ...rest, ...(call.exposeToken && { token }) };
  return { status: 200, body: { ...body, ...extra } };
}

/** The acting member, from the validated session and never from the request. */
export function memberOf(auth: SignedInAuth) {
  const { user } = auth;
  return {
    actor: { kind: "member", userId: user.id } as const,
    organizationId: user.organizationId,
    userId: user.id,
  };
}
