import type { Gatehouse } from "@gatehousejs/core";
import { generateOpenApiDocument } from "@gatehousejs/http";
import express, { type Express } from "express";
import request from "supertest";
import { describe, expect, test } from "vitest";
import { gatehouseMiddleware, gatehouseRouter } from "../src/index.js";
import { setup } from "./support/service.js";

// What only the Express binding does: converting req and res, sharing one session reading between the
// middleware and the router, body parsers of the host, and Express's "trust proxy".

async function service(): Promise<{ gatehouse: Gatehouse; email: string; password: string }> {
  const h = setup();
  const { admin } = await h.enterpriseOrg();
  return { gatehouse: h.gatehouse, email: admin.email, password: admin.password };
}

const login = (app: Express, body: object, headers: Record<string, string> = {}) =>
  request(app).post("/auth/login").set("Host", "app.example.test").set(headers).send(body);

describe("the Express binding", () => {
  test("a JSON parser of the host before the middleware, or between it and the router, hands the body on", async () => {
    const { gatehouse, email, password } = await service();
    const before = express();
    before.use(express.json());
    before.use(gatehouseMiddleware(gatehouse));
    before.use("/auth", gatehouseRouter(gatehouse));
    expect((await login(before, { email, password })).status).toBe(200);

    const between = express();
    between.use(gatehouseMiddleware(gatehouse));
    between.use(express.json());
    between.use("/auth", gatehouseRouter(gatehouse));
    const res = await login(between, { email, password });
    expect(res.body).toMatchObject({ stage: "authenticated" });
    const strict = await login(between, { email, password, organizationId: "elsewhere" });
    expect(strict.status).toBe(400);
    expect(strict.body.issues).toEqual([expect.objectContaining({ path: ["organizationId"] })]);
  });

  test("openApi: true serves the document at <mount path>/openapi.json, its paths under the mount path", async () => {
    const { gatehouse } = await service();
    const app = express();
    app.use("/api/auth", gatehouseRouter(gatehouse, { openApi: true, cookieName: "sid" }));
    app.use("/plain", gatehouseRouter(gatehouse));
    const res = await request(app).get("/api/auth/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toEqual(
      JSON.parse(
        JSON.stringify(
          generateOpenApiDocument({
            basePath: "/api/auth",
            cookieName: "sid",
            permissions: gatehouse.config.permissions,
          }),
        ),
      ),
    );
    expect(Object.keys(res.body.paths)).toContain("/api/auth/users/{id}");
    // Without the option there is no such route: the router's 404 problem.
    expect((await request(app).get("/plain/openapi.json")).status).toBe(404);
  });

  test("the middleware and the router share one session reading (one validation per request)", async () => {
    const { gatehouse, email, password } = await service();
    const app = express();
    app.use(gatehouseMiddleware(gatehouse));
    app.use("/auth", gatehouseRouter(gatehouse));
    app.get("/data", (req, res) => {
      res.json({ email: req.auth.user?.email ?? null });
    });
    const signIn = await login(app, { email, password }, { Origin: "https://app.example.test" });
    const cookie = String(signIn.headers["set-cookie"]?.[0]).split(";")[0] as string;
    let validations = 0;
    const validate = gatehouse.validateSession.bind(gatehouse);
    gatehouse.validateSession = (input) => {
      validations += 1;
      return validate(input);
    };
    const session = await request(app).get("/auth/session").set("Cookie", cookie);
    expect(session.status).toBe(200);
    expect(session.body.stage).toBe(signIn.body.stage);
    expect(validations).toBe(1);
    const own = await request(app).get("/data").set("Cookie", cookie);
    expect(own.body).toEqual({ email: signIn.body.stage === "authenticated" ? email : null });
    expect(validations).toBe(2);
  });

  test("a path the router does not serve falls through to the host's routes", async () => {
    const { gatehouse } = await service();
    const app = express();
    app.use("/auth", gatehouseRouter(gatehouse));
    app.get("/auth/custom", (_req, res) => {
      res.json({ host: true });
    });
    const res = await request(app).get("/auth/custom");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ host: true });
  });

  test("behind a trusted proxy the forwarded host passes the Origin check; untrusted it does not", async () => {
    const { gatehouse, email, password } = await service();
    const headers = { origin: "https://public.example.test", "x-forwarded-host": "public.example.test" };
    const untrusted = express();
    untrusted.use("/auth", gatehouseRouter(gatehouse));
    expect((await login(untrusted, { email, password }, headers)).status).toBe(403);
    const trusted = express();
    trusted.set("trust proxy", 1);
    trusted.use("/auth", gatehouseRouter(gatehouse));
    expect((await login(trusted, { email, password }, headers)).status).toBe(200);
  });

  test("the per-client throttle follows req.ip: X-Forwarded-For only under 'trust proxy'", async () => {
    const { gatehouse } = await service();
    const throttles = { "sign-in": { limit: 2, windowMs: 60_000 } };
    const guesses = async (app: Express, label: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const forwarded = { "x-forwarded-for": `192.0.2.${i + 1}` };
        statuses.push(
          (await login(app, { email: `${label}${i}@acme.test`, password: "guess" }, forwarded)).status,
        );
      }
      return statuses;
    };
    const untrusted = express();
    untrusted.use("/auth", gatehouseRouter(gatehouse, { throttles }));
    expect(await guesses(untrusted, "u")).toEqual([401, 401, 429]);
    const trusted = express();
    trusted.set("trust proxy", 1);
    trusted.use("/auth", gatehouseRouter(gatehouse, { throttles }));
    expect(await guesses(trusted, "t")).toEqual([401, 401, 401]);
  });

  test("after a CSRF refusal the host's error handler still finds req.auth, signed out", async () => {
    const { gatehouse } = await service();
    const app = express();
    app.use(gatehouseMiddleware(gatehouse));
    app.post("/api/echo", (_req, res) => {
      res.json({ reached: true });
    });
    app.use(
      (
        error: { status?: number },
        req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res
          .status(error.status ?? 500)
          .json({ user: req.auth.user, can: req.auth.can("platform.user-management", "view") });
      },
    );
    const res = await request(app)
      .post("/api/echo")
      .set("Host", "app.example.test")
      .set("Origin", "https://evil.example")
      .set("Cookie", "gatehouse_session=whatever");
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ user: null, can: false });
  });
});
