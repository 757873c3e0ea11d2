import type { RequestAuth } from "@gatehousejs/http";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The request's session, user and grants, set by the Gatehouse plugin before any route runs (signed out:
     * `user` is null). Typed by the matrix registered on `@gatehousejs/http`'s `Register`.
     */
    auth: RequestAuth;
  }
}
