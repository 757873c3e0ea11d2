import { GatehouseError, type RateLimiter } from "@gatehousejs/core";
import { HttpProblem } from "./problem.js";

/** The routes throttled per client address, by what may be guessed or sent from them. */
export type ThrottleName =
  | "sign-in"
  | "second-factor"
  | "forgot-password"
  | "reset"
  | "sms"
  | "invitation"
  | "sso-callback";

/** At most `limit` requests of one client in each window of `windowMs`. */
export interface ThrottleLimit {
  readonly limit: number;
  readonly windowMs: number;
}

const MINUTE = 60_000;

/**
 * The default limits per client address, generous enough for an office behind one NAT and far below what
 * guessing needs: password sign-in and activation, second-factor and recovery codes, forgot-password links,
 * password resets, SMS sends, invitation or reset-link resends by administrators, and SSO callbacks (each
 * refused one, a forged state included, writes an audit entry: the limit bounds what one client can write).
 */
export const defaultThrottles: Readonly<Record<ThrottleName, ThrottleLimit>> = Object.freeze({
  "sign-in": { limit: 50, windowMs: 15 * MINUTE },
  "second-factor": { limit: 30, windowMs: 15 * MINUTE },
  "forgot-password": { limit: 10, windowMs: 15 * MINUTE },
  reset: { limit: 20, windowMs: 15 * MINUTE },
  sms: { limit: 10, windowMs: 15 * MINUTE },
  invitation: { limit: 60, windowMs: 15 * MINUTE },
  "sso-callback": { limit: 30, windowMs: 15 * MINUTE },
});

/** The throttles option: `false` turns every one off; an entry of `false` turns that one off. */
export type ThrottleOptions = false | Partial<Record<ThrottleName, ThrottleLimit | false>>;

/** The resolved limits; a limit below 1 or a window of no length is a configuration error. */
export function resolveThrottles(
  options: ThrottleOptions | undefined,
): ReadonlyMap<ThrottleName, ThrottleLimit> {
  const limits = new Map<ThrottleName, ThrottleLimit>();
  if (options === false) return limits;
  for (const name of Object.keys(defaultThrottles) as ThrottleName[]) {
    const chosen = options?.[name] ?? defaultThrottles[name];
    if (chosen === false) continue;
    if (!Number.isInteger(chosen.limit) || chosen.limit < 1 || !(chosen.windowMs > 0)) {
      throw new GatehouseError("CONFIGURATION", `throttles.${name}: a limit of 1 or more and a window.`);
    }
    limits.set(name, chosen);
  }
  return limits;
}

/** Counts one request of `address` against the throttle; past its limit, a 429 problem with its retry time. */
export async function throttle(
  limiter: RateLimiter,
  name: ThrottleName,
  limit: ThrottleLimit,
  address: string,
  now: Date,
): Promise<void> {
  const verdict = await limiter.hit(`http:${name}:${address}`, limit.limit, limit.windowMs, now);
  if (!verdict.allowed) {
    throw new HttpProblem(
      429,
      "RATE_LIMITED",
      "Too many requests came from this address: try again later.",
      undefined,
      verdict.resetAt,
    );
  }
}
