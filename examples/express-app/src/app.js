import { isGatehouseError } from "@gatehousejs/core";
import { gatehouseRouter } from "@gatehousejs/express-middleware";
import express from "express";
import { COOKIE_NAME, createAuth, sessionOf } from "./auth.js";
import { DEV_IDP_PATH } from "./dev-idp.js";
import { accountRoutes } from "./pages/account.js";
import { auditRoutes } from "./pages/audit.js";
import { devRoutes } from "./pages/dev.js";
import { rolesRoutes } from "./pages/roles.js";
import { settingsRoutes } from "./pages/settings.js";
import { signInRoutes } from "./pages/sign-in.js";
import { usersRoutes } from "./pages/users.js";
import { errorPage, forbiddenPage, notFoundPage } from "./views/errors.js";
import { escalationWords, forbiddenWords } from "./words.js";

/** @import { Actor, Gatehouse } from "@gatehousejs/core" */
/** @import { Request, Response, NextFunction } from "express" */
/** @import { Auth } from "./auth.js" */
/** @import { Outbox } from "./outbox.js" */
/** @import { View } from "./views/layout.js" */

/**
 * Everything a group of pages needs.
 * @typedef {object} Deps
 * @property {Gatehouse} gatehouse
 * @property {import("./auth.js").AuthLayer} auth
 * @property {Outbox | null} outbox
 * @property {boolean} dev
 * @property {string | null} staffKey what opens the development staff console (null: nothing does)
 * @property {(req: Request, res: Response) => View} viewOf
 * @property {(res: Response, message: string) => void} flash
 * @property {boolean} sso whether the sign-in page offers "Sign in with SSO"
 */

/**
 * The options of {@link createApp}.
 * @typedef {object} AppOptions
 * @property {Gatehouse} gatehouse the service, on any store
 * @property {Outbox | null} [outbox] the development outbox shown at `/dev/outbox`
 * @property {boolean} [dev] development tools: the outbox page (for signed-in users) and the staff console (for
 *   whoever holds `staffKey`). Default: false; the server turns it on only on a loopback address
 * @property {string | null} [staffKey] the secret of the staff console's link (`/dev/staff?key=…`). Default: none
 * @property {boolean} [secure] `Secure` cookies (HTTPS only). Default: false
 * @property {{ callbackUrl: string } | null} [sso] SSO sign-in through `/auth/sso/start` and the identity
 *   provider's redirect back to `callbackUrl` (`<public URL>/auth/sso/callback`); the service needs its `sso`
 *   option. Default: none
 * @property {import("./dev-idp.js").DevIdentityProvider | null} [devIdentityProvider] DEVELOPMENT ONLY: the
 *   made-up identity provider, mounted at `/dev/idp` when `dev` is on. Default: none
 */

const FLASH_COOKIE = "gh_flash";

/** A gate in the brand's blue: every page links it, so no browser asks for a missing `/favicon.ico`. */
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#2457c5"/><path d="M8 26V12l8-6 8 6v14h-5v-8h-6v8z" fill="#fff"/></svg>`;

/**
 * The web app: server-rendered pages over the Gatehouse service.
 * @param {AppOptions} options
 * @returns {import("express").Express}
 */
export function createApp({
  gatehouse,
  outbox = null,
  dev = false,
  staffKey = null,
  secure = false,
  sso = null,
  devIdentityProvider = null,
}) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  const auth = createAuth(gatehouse, { secure });

  app.use((_req, res, next) => {
    res.set({
      "Content-Security-Policy":
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "Cache-Control": "no-store",
    });
    next();
  });
  // The development identity provider reads its own bodies (the token endpoint), so it comes before the parser.
  if (dev && devIdentityProvider) app.use(DEV_IDP_PATH, devIdentityProvider.router);
  app.use(express.urlencoded({ extended: false, limit: "100kb", parameterLimit: 3000 }));
  app.use(auth.middleware);
  if (sso) {
    // The HTTP layer's routes under /auth, for SSO: the start binds the sign-in to this browser (an HttpOnly
    // cookie), the callback signs in and returns to a path of this site; a refusal comes back to /login.
    app.use(
      "/auth",
      gatehouseRouter(gatehouse, {
        secure,
        cookieName: COOKIE_NAME,
        sso: { callbackUrl: sso.callbackUrl, returnTo: "/", errorPath: "/login" },
      }),
    );
  }

  /** @type {Deps} */
  const deps = {
    gatehouse,
    auth,
    outbox,
    dev,
    staffKey,
    sso: sso !== null,
    viewOf: (req, res) => viewOf(req, res, dev),
    flash: (res, message) =>
      res.append(
        "Set-Cookie",
        `${FLASH_COOKIE}=${Buffer.from(message).toString("base64url")}; Path=/; HttpOnly; SameSite=Lax`,
      ),
  };

  app.get("/", (req, res) => res.redirect(303, sessionOf(req) ? "/account" : "/login"));
  app.get(["/favicon.svg", "/favicon.ico"], (_req, res) => {
    res.set("Cache-Control", "public, max-age=86400").type("image/svg+xml").send(favicon);
  });
  app.use(signInRoutes(deps));
  app.use(accountRoutes(deps));
  app.use(usersRoutes(deps));
  app.use(rolesRoutes(deps));
  app.use(auditRoutes(deps));
  app.use(settingsRoutes(deps));
  if (dev) app.use(devRoutes(deps));

  app.use((req, res) => {
    res
      .status(404)
      .type("html")
      .send(String(notFoundPage(deps.viewOf(req, res))));
  });
  app.use(
    /** @type {(error: unknown, req: Request, res: Response, next: NextFunction) => void} */ (
      error,
      req,
      res,
      _next,
    ) => {
      const view = deps.viewOf(req, res);
      if (isGatehouseError(error, "FORBIDDEN") || statusOf(error) === 403) {
        // The service names ids ("platform.user-management"); a person reads the page and action in words.
        const message = isGatehouseError(error, "FORBIDDEN")
          ? error.details.issues?.length
            ? escalationWords(gatehouse.config.matrix, error.details.issues)
            : forbiddenWords(gatehouse.config.matrix, error.details.permission)
          : error instanceof Error
            ? error.message
            : "Refused.";
        res
          .status(403)
          .type("html")
          .send(String(forbiddenPage(view, message)));
      } else if (isGatehouseError(error, "UNAUTHENTICATED")) {
        auth.clearSession(req, res);
        res.redirect(303, "/login");
      } else if (isGatehouseError(error, "NOT_FOUND")) {
        res
          .status(404)
          .type("html")
          .send(String(notFoundPage(view, error.message)));
      } else if (isGatehouseError(error, "STORAGE_UNAVAILABLE")) {
        res
          .status(503)
          .type("html")
          .send(String(errorPage(view, "The service is unavailable: try again.")));
      } else {
        console.error(error);
        res
          .status(500)
          .type("html")
          .send(String(errorPage(view, "Something unexpected happened.")));
      }
    },
  );
  return app;
}

/**
 * The HTTP status an error names (the middleware's CSRF refusal is a 403 with a `status`).
 * @param {unknown} error
 * @returns {number | null}
 */
function statusOf(error) {
  const status = /** @type {{ status?: unknown }} */ (error)?.status;
  return typeof status === "number" ? status : null;
}

/**
 * @param {Request} req
 * @param {Response} res
 * @param {boolean} dev
 * @returns {View}
 */
function viewOf(req, res, dev) {
  const session = sessionOf(req);
  let notice = res.locals.notice ?? null;
  if (notice === null) {
    const match = /(?:^|;\s*)gh_flash=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? "");
    if (match?.[1]) {
      notice = Buffer.from(match[1], "base64url").toString("utf8").slice(0, 300);
      res.append("Set-Cookie", `${FLASH_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    }
    res.locals.notice = notice;
  }
  return {
    auth: session?.stage === "authenticated" ? session : null,
    signedIn: session !== null,
    dev,
    path: req.path,
    notice,
  };
}

/**
 * Where a session at a stage goes next.
 * @param {import("@gatehousejs/core").SessionStage} stage
 * @returns {string}
 */
export function pathOfStage(stage) {
  switch (stage) {
    case "password-change":
      return "/password/change";
    case "mfa-enrollment":
      return "/mfa/enroll";
    case "mfa":
      return "/login/verify";
    default:
      return "/account";
  }
}

/**
 * Pages for signed-in users: without a session, to the sign-in page; with a sign-in still in progress, to
 * its next step.
 * @param {Request} req
 * @param {Response} res
 * @param {NextFunction} next
 */
export function signedIn(req, res, next) {
  const session = sessionOf(req);
  if (!session) return res.redirect(303, "/login");
  if (session.stage !== "authenticated") return res.redirect(303, pathOfStage(session.stage));
  next();
}

/**
 * The signed-in user (after `signedIn`).
 * @param {Request} req
 * @returns {Auth}
 */
export function authOf(req) {
  const session = sessionOf(req);
  if (session?.stage !== "authenticated") throw new Error("signedIn must run first");
  return session;
}

/**
 * The service actor of the signed-in user: derived from the validated session, never from the request body.
 * @param {Request} req
 * @returns {Actor}
 */
export function actorOf(req) {
  return { kind: "member", userId: authOf(req).user.id };
}

/**
 * Sends a page.
 * @param {Response} res
 * @param {{ toString(): string }} page
 * @param {number} [status]
 */
export function send(res, page, status = 200) {
  res.status(status).type("html").send(String(page));
}
