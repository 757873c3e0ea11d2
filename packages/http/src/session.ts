import { type Gatehouse, GatehouseError, isGatehouseError, type ValidSession } from "@gatehousejs/core";
import { signedInAuth, signedOut } from "./auth.js";
import {
  type CookieSettings,
  clearSessionCookie,
  readCookie,
  SetCookies,
  setSessionCookie,
} from "./cookies.js";
import { type CsrfSettings, checkCsrf, csrfTokenFor } from "./csrf.js";
import type { RequestAuth } from "./types.js";

/**
 * What the layer knows of one request once its session is read, kept in a symbol slot of the request. The token
 * is a private field: neither the auth nor an inspected or logged request shows it.
 */
export class RequestState {
  readonly gatehouse: Gatehouse;
  readonly cookies: CookieSettings;
  auth: RequestAuth = signedOut;
  /** The Set-Cookie lines the response must carry. */
  readonly jar = new SetCookies();
  #token: string | null = null;

  constructor(gatehouse: Gatehouse, cookies: CookieSettings) {
    this.gatehouse = gatehouse;
    this.cookies = cookies;
  }

  /** The token of the request's valid session, or `null` (static, so no accessor of an instance shows it). */
  static tokenOf(state: RequestState): string | null {
    return state.#token;
  }

  /** Records the token of the request's session (or `null` once it ended). */
  static setToken(state: RequestState, token: string | null): void {
    state.#token = token;
  }
}

/**
 * What reading a session needs of a request: its method, its headers, and its URL (read only for a write that
 * carries an `Origin`). A Fetch `Request` is one; a binding may hand a lighter head (no body, the URL built only
 * when read) and build the full `Request` only for a Gatehouse route, linked with {@link shareSessionReading}.
 */
export interface RequestHead {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
}

/**
 * Where a request's session reading is kept: in a symbol slot of the request object (the head a binding hands,
 * or the Fetch `Request`), so it lives and dies with the request. A `WeakMap` keyed by every request cost the
 * collector about 10 µs of CPU per request under load (one ephemeron per request, measured with the bench's
 * src/session/http-layer-cpu.mjs); a frozen request still falls back to one.
 */
const STATE = Symbol("@gatehousejs/http.state");
/** On a full `Request` a binding built after reading the session from a head: the head it answers for. */
const HEAD = Symbol("@gatehousejs/http.head");
const frozenStates = new WeakMap<object, RequestState>();
const frozenHeads = new WeakMap<object, object>();

type Slots = { [STATE]?: RequestState; [HEAD]?: object };

/** The key the session reading of `request` is kept under: its head's, when a binding linked one. */
function keyOf(request: object): object {
  return (request as Slots)[HEAD] ?? frozenHeads.get(request) ?? request;
}

function stateAt(key: object): RequestState | undefined {
  return (key as Slots)[STATE] ?? frozenStates.get(key);
}

function keepState(key: object, state: RequestState): void {
  if (Object.isExtensible(key)) (key as Slots)[STATE] = state;
  else frozenStates.set(key, state);
}

/**
 * Has `request` share the session reading of `head` (once per request, whichever of the two is read first):
 * for a binding that reads the session from a light head and builds the full `Request` later, for a route.
 * @example shareSessionReading(head, new Request(url, init));
 */
export function shareSessionReading(head: RequestHead, request: Request): void {
  const key = keyOf(head);
  if (Object.isExtensible(request)) (request as Slots)[HEAD] = key;
  else frozenHeads.set(request, key);
}

/** The state a handler attached to this request, or `null` when none has read its session. */
export function findRequestState(request: RequestHead): RequestState | null {
  return stateAt(keyOf(request)) ?? null;
}

/**
 * The auth of a request whose session a Gatehouse handler has read (by serving it, or by `authenticate`).
 * @example
 * await gatehouse.authenticate(request);
 * const { user } = getAuth(request);
 */
export function getAuth(request: RequestHead): RequestAuth {
  const state = stateAt(keyOf(request));
  if (!state) {
    throw new GatehouseError(
      "CONFIGURATION",
      "getAuth: no Gatehouse handler has read this request's session (call handler.authenticate first).",
    );
  }
  return state.auth;
}

/** A request's session as a binding drives it: its token, and the cookie lines its response must carry. */
export interface BindingSession {
  /** The token of the request's valid session (or of the one just issued), or `null`. Never log it. */
  readonly token: string | null;
  readonly auth: RequestAuth;
  /** Hands a session the service issued to the client, replacing the cookie lines of this response. */
  issue(session: { readonly token: string; readonly expiresAt: Date }): void;
  /** Forgets the session and has the client drop its cookie (and the CSRF cookie). */
  end(): void;
  /** The Set-Cookie lines the response must carry, one per cookie. */
  setCookies(): string[];
}

/**
 * The session of a request a Gatehouse handler has read, for a binding's own helpers (issuing a host's
 * sign-in step, ending a session); `null` before any handler read it.
 * @example sessionOf(request)?.issue(await gatehouse.changePassword(input));
 */
export function sessionOf(request: RequestHead): BindingSession | null {
  const state = stateAt(keyOf(request));
  if (!state) return null;
  return {
    get token() {
      return RequestState.tokenOf(state);
    },
    get auth() {
      return state.auth;
    },
    issue: (session) => issueSession(state, session),
    end: () => endSession(state),
    setCookies: () => state.jar.lines(),
  };
}

/**
 * Reads the session cookie, refuses a cross-site write first (403 CSRF, before the store is asked anything),
 * validates the session (sliding its idle deadline) and records the cookie lines to send back: the cookie again
 * when its deadline moved, a clearing line when it is stale. Once per request: a second call answers the first.
 */
export async function readSession(
  gatehouse: Gatehouse,
  request: RequestHead,
  cookies: CookieSettings,
  csrf: CsrfSettings,
): Promise<RequestState> {
  const key = keyOf(request);
  const known = stateAt(key);
  if (known && known.gatehouse === gatehouse) return known;
  const header = request.headers.get("cookie");
  const token = readCookie(header, cookies.name);
  checkCsrf(request, csrf, token);
  const state = new RequestState(gatehouse, cookies);
  if (token !== null) {
    const valid = await validCookieSession(gatehouse, token);
    if (valid === null) {
      clearSessionCookie(state.jar, cookies);
    } else {
      RequestState.setToken(state, token);
      state.auth = signedInAuth(valid);
      // The idle deadline slid (the service wrote the activity back): the cookie follows it. In double-submit
      // mode a missing or outdated CSRF cookie is sent again too.
      const csrfCookie = cookies.csrfCookieName === null ? null : readCookie(header, cookies.csrfCookieName);
      if (valid.refreshed || (cookies.csrfCookieName !== null && csrfCookie !== csrfTokenFor(token))) {
        issueSession(state, { token, expiresAt: valid.session.expiresAt });
      }
    }
  }
  keepState(key, state);
  return state;
}

/** Hands a session the service issued to the client, with Max-Age on the service's clock. */
export function issueSession(
  state: RequestState,
  session: { readonly token: string; readonly expiresAt: Date },
): void {
  RequestState.setToken(state, session.token);
  const maxAgeSeconds = (session.expiresAt.getTime() - state.gatehouse.config.clock.now().getTime()) / 1000;
  const csrf = state.cookies.csrfCookieName === null ? null : csrfTokenFor(session.token);
  setSessionCookie(state.jar, state.cookies, session.token, maxAgeSeconds, csrf);
}

/** Forgets the request's session and has the client drop its cookie (and the CSRF cookie). */
export function endSession(state: RequestState): void {
  RequestState.setToken(state, null);
  state.auth = signedOut;
  clearSessionCookie(state.jar, state.cookies);
}

/** The cookie's session; a value the service refuses to read (too long to be a token) is no session either. */
async function validCookieSession(gatehouse: Gatehouse, token: string): Promise<ValidSession | null> {
  try {
    return await gatehouse.validateSession({ sessionToken: token });
  } catch (error) {
    if (isGatehouseError(error, "VALIDATION")) return null;
    throw error;
  }
}
