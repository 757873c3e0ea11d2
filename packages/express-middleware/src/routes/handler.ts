import { type Actor, type Gatehouse, GatehouseError, type LoginResult } from "@gatehousejs/core";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { issueSessionCookie, sessionTokenOf } from "../state.js";

/** What every route module is given by `gatehouseRouter`. */
export interface RouteContext {
  readonly gatehouse: Gatehouse;
  /** Whether session bodies also carry the token (for clients that cannot hold cookies). */
  readonly exposeToken: boolean;
}

/** Wraps an async route so a rejection reaches the error handler on Express 4 as on Express 5. */
export function handle(route: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    route(req, res).catch(next);
  };
}

/** The session token of the request; empty when there is none, which the service answers as UNAUTHENTICATED. */
export function tokenOf(req: Request): string {
  return sessionTokenOf(req) ?? "";
}

/**
 * The acting member and their organization, from the validated session and never from the request: a body
 * cannot act as someone else, nor reach into another organization.
 */
export function memberOf(req: Request): { actor: Actor; organizationId: string; userId: string } {
  const { user } = req.auth;
  if (user === null || req.auth.stage !== "authenticated") {
    throw new GatehouseError("UNAUTHENTICATED", "Sign in first: the session is missing or has expired.");
  }
  return { actor: { kind: "member", userId: user.id }, organizationId: user.organizationId, userId: user.id };
}

/**
 * What a sign-in step answers: the session's stage and deadline and what the next step needs; the user only
 * once signed in (a pending stage shows nothing about the person).
 */
export type SessionBody = Omit<LoginResult, "token"> & { readonly token?: string };

/** Hands the new session's token to the browser in the cookie and answers the rest. */
export function sendSession(
  req: Request,
  res: Response,
  context: RouteContext,
  result: LoginResult,
  extra: Record<string, unknown> = {},
): void {
  issueSessionCookie(req, res, result);
  const { token, ...rest } = result;
  const body: SessionBody = { ...rest, ...(context.exposeToken && { token }) };
  res.status(200).json({ ...body, ...extra });
}

/** A query parameter as a single string, or `undefined`; repeated parameters keep their first value. */
export function queryString(value: unknown): unknown {
  if (Array.isArray(value)) return value[0];
  return value;
}

/** A numeric query parameter: digits become a number; anything else is left for the schema to refuse. */
export function queryNumber(value: unknown): unknown {
  const single = queryString(value);
  return typeof single === "string" && /^\d{1,9}$/.test(single) ? Number(single) : single;
}
