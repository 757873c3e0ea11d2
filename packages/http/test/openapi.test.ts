import { createGatehouse, createMemoryMailer, createMemoryStore, generateSecretKey } from "@gatehousejs/core";
import { createTestClock } from "@gatehousejs/core/testing";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, test } from "vitest";
import { createGatehouseHandler, generateOpenApiDocument } from "../src/index.js";

// The OpenAPI document is generated from the route table and core's zod schemas: it cannot drift from what
// the handler serves.

type Operation = Record<string, unknown> & {
  responses: Record<string, unknown>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
};
type Paths = Record<string, Record<string, Operation>>;

function service() {
  return createGatehouse({
    store: createMemoryStore(),
    mailer: createMemoryMailer(),
    clock: createTestClock(new Date("2026-11-23T09:00:00.000Z")),
    secrets: { current: generateSecretKey("k1") },
    links: "https://app.example.test",
  });
}

describe("generateOpenApiDocument", () => {
  const handler = createGatehouseHandler(service(), { basePath: "/api/auth" });
  const document = generateOpenApiDocument({ basePath: "/api/auth" });
  const paths = document.paths as Paths;

  test("every route of the table is an operation, with its stage, permission and success status", () => {
    const operations = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routes = handler.routes.map(
      (route) => `${route.method} /api/auth${route.path.replace(/:(\w+)/g, "{$1}")}`,
    );
    expect(operations.sort()).toEqual([...routes].sort());
    expect(routes).toHaveLength(handler.routes.length);
    const remove = paths["/api/auth/users/{id}"]?.delete;
    expect(remove).toMatchObject({
      "x-gatehouse-stage": "authenticated",
      "x-gatehouse-permission": { flow: "removeUsers", page: "platform.user-management", action: "delete" },
      security: [{ sessionCookie: [] }],
    });
    expect(Object.keys(remove?.responses ?? {})).toEqual(
      expect.arrayContaining(["204", "401", "403", "404"]),
    );
    expect(paths["/api/auth/users/invitations"]?.post?.responses).toHaveProperty("201");
    expect(paths["/api/auth/login"]?.post).toMatchObject({ "x-gatehouse-stage": "any" });
    expect(paths["/api/auth/login"]?.post).not.toHaveProperty("x-gatehouse-permission");
  });

  test("the SSO routes: the start and callback redirect (303 with Location), the connection routes are staff's", () => {
    const start = paths["/api/auth/sso/start"];
    expect(start?.get?.responses).toHaveProperty("303");
    expect(start?.get).toMatchObject({ "x-gatehouse-throttle": "sign-in" });
    expect(start?.post?.responses).toHaveProperty("200");
    const callback = paths["/api/auth/sso/callback"]?.get;
    expect(callback).toMatchObject({ "x-gatehouse-throttle": "sso-callback" });
    expect(callback?.responses["303"]).toMatchObject({ headers: { Location: expect.any(Object) } });
    expect(Object.keys(callback?.responses ?? {})).toEqual(expect.arrayContaining(["403", "429", "502"]));
    const names = ((callback?.parameters ?? []) as { name: string }[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["code", "state", "iss"]));
    const connection = paths["/api/auth/organizations/{organizationId}/sso-connection"];
    expect(Object.keys(connection ?? {}).sort()).toEqual(["delete", "get", "put"]);
    expect(connection?.put).toMatchObject({
      "x-gatehouse-actor": "staff-or-member",
      "x-gatehouse-permission": { flow: "configureOrganization" },
    });
    const body = connection?.put?.requestBody?.content["application/json"]?.schema;
    expect(body).toMatchObject({ required: expect.arrayContaining(["issuer", "clientId", "domains"]) });
    expect(JSON.stringify(connection?.get?.responses)).not.toMatch(/clientSecret/);
  });

  test("request bodies are core's strict schemas; errors are problem+json with the stable codes", () => {
    const login = paths["/api/auth/login"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(login).toMatchObject({
      type: "object",
      required: expect.arrayContaining(["email", "password"]),
      additionalProperties: false,
    });
    const problem = (
      document.components as { schemas: { Problem: { properties: { code: { enum: string[] } } } } }
    ).schemas.Problem;
    expect(problem.properties.code.enum).toEqual(
      expect.arrayContaining(["VALIDATION", "UNAUTHENTICATED", "ACCOUNT_LOCKED", "RATE_LIMITED", "CSRF"]),
    );
    expect(paths["/api/auth/login"]?.post?.responses["429"]).toMatchObject({
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    });
    // Each problem response names the codes the route answers with that status.
    expect(paths["/api/auth/users/{id}"]?.delete?.responses["403"]).toMatchObject({
      content: {
        "application/problem+json": { schema: { properties: { code: { enum: ["FORBIDDEN", "CSRF"] } } } },
      },
    });
    expect(document.components).toMatchObject({
      securitySchemes: { sessionCookie: { type: "apiKey", in: "cookie", name: "gatehouse_session" } },
    });
  });

  test("the document validates as OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});

describe("openApi: true", () => {
  test("GET <basePath>/openapi.json answers the document; without the option it is a 404", async () => {
    const gatehouse = service();
    const on = createGatehouseHandler(gatehouse, {
      basePath: "/api/auth",
      openApi: true,
      cookie: { name: "sid" },
    });
    const res = await on(new Request("https://app.example.test/api/auth/openapi.json"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const served = await res.json();
    expect(served).toEqual(
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
    const off = createGatehouseHandler(gatehouse, { basePath: "/api/auth" });
    expect((await off(new Request("https://app.example.test/api/auth/openapi.json"))).status).toBe(404);
  });
});

describe("the document written at build (dist/openapi.json, exported as @gatehousejs/http/openapi.json)", () => {
  test("is the generated document with its defaults, and valid OpenAPI 3.1", async () => {
    const { readFile } = await import("node:fs/promises");
    const written = JSON.parse(await readFile(new URL("../dist/openapi.json", import.meta.url), "utf8"));
    expect(written).toEqual(JSON.parse(JSON.stringify(generateOpenApiDocument())));
    const result = await new Validator().validate(written);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });
});
