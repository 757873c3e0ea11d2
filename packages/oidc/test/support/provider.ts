import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Configuration, type JWK } from "oidc-provider";

// A real OpenID provider (oidc-provider) in this process, on 127.0.0.1 and a free port, and a browser that signs a
// person in at it: the interaction is answered by the test (who signs in, with which `amr`), not by a mock.

export const REDIRECT_URI = "http://127.0.0.1/app/sso/callback";

/** Who signs in at the provider, and how. */
export interface TestAccount {
  readonly sub: string;
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly amr?: string[];
}

/** An RSA signing key as the provider holds it (private JWK with a key id). */
export function signingKey(kid: string): JWK {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...(privateKey.export({ format: "jwk" }) as JWK), kid, alg: "RS256", use: "sig" };
}

/** The running provider: its issuer, its clients, and a way to swap its keys (a rotation). */
export interface TestProvider {
  readonly issuer: string;
  readonly clients: ReadonlyArray<{ clientId: string; clientSecret: string }>;
  /** Restarts the provider on the same issuer with these keys, the first one signing. */
  rotate(keys: JWK[]): void;
  /** What the browser does: follows the authorization URL, signs `account` in, returns the callback URL. */
  signIn(authorizationUrl: URL, account: TestAccount): Promise<URL>;
  close(): Promise<void>;
}

/** Starts a provider with two confidential clients (the app, and another one for audience cases). */
export async function startProvider(keys: JWK[] = [signingKey("k1")]): Promise<TestProvider> {
  const clients = ["gatehouse", "another-app"].map((clientId) => ({
    clientId,
    clientSecret: randomBytes(24).toString("base64url"),
  }));
  const accounts = new Map<string, TestAccount>();
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const build = (jwks: JWK[]): Provider => {
    const configuration: Configuration = {
      clients: clients.map(({ clientId, clientSecret }) => ({
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: "client_secret_post",
      })),
      jwks: { keys: jwks },
      cookies: { keys: [randomBytes(32).toString("hex")] },
      claims: {
        // `amr` in the ID token by default, as providers that report MFA do (Entra ID, Okta, Keycloak).
        openid: ["sub", "amr"],
        email: ["email", "email_verified"],
        profile: ["given_name", "family_name"],
      },
      ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 3600 },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      async findAccount(_ctx, id) {
        const account = accounts.get(id);
        return {
          accountId: id,
          async claims() {
            return {
              sub: id,
              email: account?.email,
              email_verified: account?.emailVerified,
              given_name: account?.givenName,
              family_name: account?.familyName,
            };
          },
        };
      },
    };
    const provider = new Provider(issuer, configuration);
    // The login and consent page: the test decides who signs in, with which authentication methods.
    const callback = provider.callback();
    handler = (req, res) => {
      const match = /^\/interaction\/([^/?]+)/.exec(req.url ?? "");
      if (!match) return void callback(req, res);
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        const accountId = String(details.params.login_hint);
        const account = accounts.get(accountId);
        const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId, amr: account?.amr ?? ["pwd"] }, consent: { grantId: await grant.save() } },
          { mergeWithLastSubmission: false },
        );
      })().catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    };
    return provider;
  };
  build(keys);

  return {
    issuer,
    clients,
    rotate: (next) => void build(next),
    async signIn(authorizationUrl, account) {
      accounts.set(account.sub, account);
      const jar = new Map<string, string>();
      // The account is named by `login_hint`, as a real login form would be filled in.
      let url = new URL(authorizationUrl);
      url.searchParams.set("login_hint", account.sub);
      for (let hop = 0; hop < 10; hop++) {
        const response = await fetch(url, {
          redirect: "manual",
          headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; ") },
        });
        for (const cookie of response.headers.getSetCookie()) {
          const [pair] = cookie.split(";");
          const at = (pair ?? "").indexOf("=");
          jar.set((pair ?? "").slice(0, at), (pair ?? "").slice(at + 1));
        }
        const location = response.headers.get("location");
        if (!location)
          throw new Error(`The provider stopped at ${url} (${response.status}): ${await response.text()}`);
        url = new URL(location, url);
        if (url.href.startsWith(REDIRECT_URI)) return url;
      }
      throw new Error("The provider redirected too many times.");
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
