import { defaultFlowPermissions, errorCodes, type FlowPermissions } from "@gatehousejs/core";
import { z } from "zod";
import { routeTable } from "./routes/index.js";
import { responseSchemaOf } from "./routes/responses.js";
import type { Route } from "./routes/route.js";

/** Options of {@link generateOpenApiDocument}. */
export interface OpenApiOptions {
  /**
   * Where the routes are served, as the handler's `basePath`.
   * @default ""
   */
  basePath?: string;
  /**
   * The session cookie's name, as the handler's `cookie.name`.
   * @default "gatehouse_session"
   */
  cookieName?: string;
  /**
   * The matrix permission of each flow, to name the page and action an operation needs (the service's
   * `gatehouse.config.permissions`).
   * @default defaultFlowPermissions
   */
  permissions?: FlowPermissions;
  /** The document's `info.title`. @default "Gatehouse" */
  title?: string;
  /** The document's `info.version`. @default "1.0.0" */
  version?: string;
  /** The document's `servers` (e.g. `[{ url: "https://app.example.com" }]`). @default [] */
  servers?: readonly { url: string; description?: string }[];
}

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = Record<string, unknown> & { openapi: "3.1.0" };

// The layer's own problems besides the service's codes (see HttpProblem).
const layerCodes = ["CSRF", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "METHOD_NOT_ALLOWED", "INTERNAL"];
const COOKIE = "sessionCookie";

/**
 * The OpenAPI 3.1 document of the route table: every operation with its body or query (from core's zod
 * schemas), its success status, its problem+json errors with their codes, the session cookie as a security
 * scheme, and its stage and permission as `x-gatehouse-stage` / `x-gatehouse-permission`. Generated, never
 * written by hand; the handler serves it with `openApi: true`.
 * @example const document = generateOpenApiDocument({ basePath: "/api/auth" });
 */
export function generateOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  const permissions = options.permissions ?? defaultFlowPermissions;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeTable) {
    const path = `${basePath}${route.path.replace(/:(\w+)/g, "{$1}")}`;
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operationOf(route, permissions);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: options.title ?? "Gatehouse",
      version: options.version ?? "1.0.0",
      description:
        "User management over HTTP: sign-in (password or SSO), MFA, passwords, users, roles, the audit log and SSO connections.",
    },
    ...(options.servers && { servers: options.servers.map((server) => ({ ...server })) }),
    paths,
    components: {
      securitySchemes: {
        [COOKIE]: {
          type: "apiKey",
          in: "cookie",
          name: options.cookieName ?? "gatehouse_session",
          description: "The HttpOnly session cookie the sign-in routes set.",
        },
      },
      schemas: { Problem: problemSchema() },
    },
  };
}

function operationOf(route: Route, permissions: FlowPermissions): Record<string, unknown> {
  const parameters: unknown[] = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({
    name: match[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  let requestBody: unknown;
  if (route.input?.from === "query") {
    const shape = route.input.schema.shape as Record<string, z.ZodType>;
    for (const [name, schema] of Object.entries(shape)) {
      parameters.push({
        name,
        in: "query",
        required: !schema.safeParse(undefined).success,
        schema: jsonSchema(schema),
      });
    }
  } else if (route.input?.from === "body") {
    requestBody = {
      required: route.input.optional !== true,
      content: { "application/json": { schema: jsonSchema(route.input.schema) } },
    };
  }
  const permission = route.permission ? permissions[route.permission] : null;
  return {
    operationId: operationIdOf(route),
    summary: route.summary,
    tags: [route.path.split("/")[1] ?? "auth"],
    ...(parameters.length > 0 && { parameters }),
    ...(requestBody !== undefined && { requestBody }),
    responses: responsesOf(route),
    // The authenticated routes need the cookie; the others take it when there is one (a sign-in step). The staff
    // routes are the host's to authenticate (its `staff` option), or a member's cookie.
    security: route.stage === "authenticated" ? [{ [COOKIE]: [] }] : [{}, { [COOKIE]: [] }],
    "x-gatehouse-stage": route.stage,
    ...(route.staff && { "x-gatehouse-actor": "staff-or-member" }),
    ...(route.permission &&
      permission && {
        "x-gatehouse-permission": { flow: route.permission, page: permission[0], action: permission[1] },
      }),
    ...(route.throttle && { "x-gatehouse-throttle": route.throttle }),
  };
}

function responsesOf(route: Route): Record<string, unknown> {
  const body = responseSchemaOf(route);
  const success =
    route.status === 303
      ? {
          description: "See Other: the browser goes on to the Location.",
          headers: {
            Location: { schema: { type: "string" }, description: "Where the browser goes next." },
          },
        }
      : route.status === 204 || body === null
        ? { description: "Done; no body." }
        : {
            description:
              route.status === 202 ? "Accepted: the message is sent after the answer." : "Success.",
            content: { "application/json": { schema: jsonSchema(body, "output") } },
          };
  const problems = new Map<number, Set<string>>();
  const add = (code: string, status: number) =>
    problems.set(status, (problems.get(status) ?? new Set()).add(code));
  if (route.input !== null) add("VALIDATION", 400);
  if (route.stage === "authenticated" || route.staff) add("UNAUTHENTICATED", 401);
  if (route.permission || route.staff) add("FORBIDDEN", 403);
  if (route.path.startsWith("/sso/")) {
    add("SSO_FAILED", 403);
    add("IDP_UNAVAILABLE", 502);
  }
  if (route.method !== "GET") add("CSRF", 403);
  if (route.path.includes(":")) add("NOT_FOUND", 404);
  if (route.input?.from === "body") {
    add("PAYLOAD_TOO_LARGE", 413);
    add("UNSUPPORTED_MEDIA_TYPE", 415);
  }
  if (route.throttle) add("RATE_LIMITED", 429);
  add("INTERNAL", 500);
  const responses: Record<string, unknown> = { [String(route.status)]: success };
  for (const [status, codes] of [...problems].sort(([a], [b]) => a - b)) {
    // The Problem schema, its `code` narrowed to the codes this route answers with this status.
    const schema = { $ref: "#/components/schemas/Problem", properties: { code: { enum: [...codes] } } };
    responses[String(status)] = {
      description: `A problem: ${[...codes].join(", ")}.`,
      content: { "application/problem+json": { schema } },
    };
  }
  responses.default = {
    description: "Any other problem of the service, by its stable code.",
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  };
  return responses;
}

/** The RFC 9457 problem every route answers its errors with, its `code` one of the stable codes. */
function problemSchema(): Record<string, unknown> {
  return {
    type: "object",
    required: ["type", "title", "status", "code", "detail"],
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer" },
      code: { type: "string", enum: [...Object.keys(errorCodes), ...layerCodes] },
      detail: { type: "string" },
      issues: {
        type: "array",
        items: {
          type: "object",
          required: ["path", "reason", "message"],
          properties: {
            path: { type: "array", items: { type: ["string", "integer"] } },
            reason: { type: "string" },
            message: { type: "string" },
          },
        },
      },
      retryAt: { type: "string", format: "date-time" },
      stage: { type: "string" },
    },
  };
}

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a client sends it or receives it. */
function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
}

/** `POST /users/:id/invitation` → `postUsersIdInvitation`. */
function operationIdOf(route: Route): string {
  const words = route.path.split(/[/:-]/).filter(Boolean);
  return route.method.toLowerCase() + words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join("");
}
