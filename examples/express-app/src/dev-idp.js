// DEVELOPMENT ONLY. A real OpenID provider (oidc-provider) with a few made-up people, mounted in the demo at
// /dev/idp so `pnpm demo` shows an SSO organization end to end. It signs anyone in who clicks a name: no
// password, no consent, keys made at each start. It is mounted only in development mode (--dev, loopback),
// never by `createApp` on its own and never in production paths.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import express, { Router } from "express";
import Provider from "oidc-provider";
import { html } from "./html.js";

/**
 * A made-up person at the development identity provider.
 * @typedef {object} DevPerson
 * @property {string} sub the provider's stable id of them
 * @property {string} email
 * @property {boolean} emailVerified
 * @property {string} givenName
 * @property {string} familyName
 * @property {string} note what the demo shows with them
 */

/** The people of the development identity provider. */
export const devPeople = /** @type {const} @satisfies {readonly DevPerson[]} */ ([
  {
    sub: "initech-ann",
    email: "ann@initech.test",
    emailVerified: true,
    givenName: "Ann",
    familyName: "Archer",
    note: "new to Gatehouse: created on her first sign-in (just in time)",
  },
  {
    sub: "initech-ben",
    email: "ben@initech.test",
    emailVerified: true,
    givenName: "Ben",
    familyName: "Baker",
    note: "another employee",
  },
  {
    sub: "elsewhere-mallory",
    email: "mallory@elsewhere.test",
    emailVerified: true,
    givenName: "Mallory",
    familyName: "Moss",
    note: "an address at a domain Initech does not own: refused",
  },
]);

/** The path the development identity provider is mounted at. */
export const DEV_IDP_PATH = "/dev/idp";

/**
 * @typedef {object} DevIdentityProvider
 * @property {string} issuer
 * @property {string} clientId
 * @property {string} clientSecret made at each start: the demo writes it into the connection at start
 * @property {import("express").Router} router mount it at {@link DEV_IDP_PATH}, before any body parser
 */

/**
 * Creates the development identity provider for an app at `publicUrl`, with one client: the demo, whose
 * callback is `callbackUrl`.
 * @param {{ publicUrl: string; callbackUrl: string }} options
 * @returns {DevIdentityProvider}
 */
export function createDevIdentityProvider({ publicUrl, callbackUrl }) {
  const issuer = `${publicUrl}${DEV_IDP_PATH}`;
  const clientId = "gatehouse-demo";
  const clientSecret = randomBytes(24).toString("base64url");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  /** @type {import("oidc-provider").JWK} */
  const key = { ...privateKey.export({ format: "jwk" }), kid: "dev-1", alg: "RS256", use: "sig" };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [callbackUrl],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [key] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: {
      openid: ["sub", "amr"],
      email: ["email", "email_verified"],
      profile: ["given_name", "family_name"],
    },
    ttl: { Interaction: 600, Grant: 600, Session: 3600, AccessToken: 600, IdToken: 3600 },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `${DEV_IDP_PATH}/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const person = devPeople.find((p) => p.sub === id);
      if (!person) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: person.email,
            email_verified: person.emailVerified,
            given_name: person.givenName,
            family_name: person.familyName,
          };
        },
      };
    },
  });
  // Its own errors are no business of the demo's console.
  provider.on("server_error", (_ctx, error) => console.error("[dev identity provider]", error));

  const router = Router();
  router.get("/interaction/:uid", async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      res.type("html").send(String(choosePage(String(details.uid))));
    } catch (error) {
      next(error);
    }
  });
  router.post(
    "/interaction/:uid",
    express.urlencoded({ extended: false, limit: "2kb" }),
    async (req, res, next) => {
      try {
        const details = await provider.interactionDetails(req, res);
        const person = devPeople.find((p) => p.sub === req.body?.person);
        if (!person) {
          const result = { error: "access_denied", error_description: "Nobody was chosen." };
          return void (await provider.interactionFinished(req, res, result, {
            mergeWithLastSubmission: false,
          }));
        }
        const grant = new provider.Grant({
          accountId: person.sub,
          clientId: String(details.params.client_id),
        });
        grant.addOIDCScope(String(details.params.scope));
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: person.sub, amr: ["pwd"] }, consent: { grantId: await grant.save() } },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        next(error);
      }
    },
  );
  router.use(provider.callback());
  return { issuer, clientId, clientSecret, router };
}

/**
 * The provider's sign-in page: pick a made-up person.
 * @param {string} uid
 */
function choosePage(uid) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development identity provider</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
.warn{background:#fff4d6;border:1px solid #e0b64a;padding:.75rem 1rem;border-radius:6px}
button{display:block;width:100%;text-align:left;margin:.5rem 0;padding:.75rem 1rem;font:inherit;border:1px solid #9aa5b8;border-radius:6px;background:#fff;cursor:pointer}
button:hover,button:focus{border-color:#2457c5;outline:2px solid #2457c5}
small{color:#4a5468}</style></head>
<body><main>
<h1>Development identity provider</h1>
<p class="warn" role="note"><strong>For the demo only.</strong> This stands in for an organization's own identity provider (Entra ID, Okta, Google Workspace…). It signs in whoever you pick, with no password: it exists only in development mode and is never part of a production app.</p>
<form method="post" action="${DEV_IDP_PATH}/interaction/${uid}">
<h2>Sign in as</h2>
${devPeople.map(
  (p) =>
    html`<button type="submit" name="person" value="${p.sub}">${p.givenName} ${p.familyName} · ${p.email}<br><small>${p.note}</small></button>`,
)}
<button type="submit" name="person" value="">Cancel</button>
</form></main></body></html>`;
}
