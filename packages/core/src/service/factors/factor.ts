import type { GatehousePolicy } from "../../policy/gatehouse-policy.js";
import type { UserPatch, UserRecord } from "../../store/records.js";
import type { ServiceContext } from "../context.js";
import type { User } from "../views.js";

/**
 * Binding an authenticator in two steps: `begin` stores what is pending and returns what the user is shown
 * (the QR code's URI, or when the code sent to a new phone expires); `complete` checks the proof and returns
 * the fields that enrol the factor, or `null` when the proof is wrong. Nothing is enrolled before `complete`.
 */
export interface FactorEnrolment<Start, Shown> {
  begin(ctx: ServiceContext, user: UserRecord, policy: GatehousePolicy, input: Start): Promise<Shown>;
  complete(ctx: ServiceContext, user: UserRecord, code: string): Promise<UserPatch | null>;
}

/**
 * One kind of second factor behind the one seam the sign-in uses: what it stores, how it is enrolled,
 * challenged and verified. A new kind (passkeys, e-mail codes) is one module implementing this, added to the
 * table in `factors/index.ts`; the kind union and every list of kinds derive from that table.
 */
export interface SecondFactor<Start = never, Shown = unknown> {
  /**
   * `authenticator`: the user enrols it and it satisfies the MFA requirement; `recovery`: a way back in,
   * issued with the first authenticator, that signs in but does not count as one.
   */
  readonly role: "authenticator" | "recovery";
  /** The user-record fields this kind keeps; every secret among them is sealed or hashed. */
  readonly stores: readonly (keyof UserRecord)[];
  /** Whether the user can answer with this kind, read from the public view. */
  isEnrolled(user: User): boolean;
  /** How the user binds it; `null` for a kind the service issues itself (recovery codes). */
  readonly enrol: FactorEnrolment<Start, Shown> | null;
  /** Sends what the user needs to answer (an SMS code); `null` for a kind the user carries (an app). */
  readonly challenge:
    | ((ctx: ServiceContext, user: UserRecord, policy: GatehousePolicy) => Promise<{ expiresAt: Date }>)
    | null;
  /**
   * Checks a sign-in answer and consumes it. MUST be atomic: of concurrent callers with the same code at most
   * one gets `true` (a TOTP step, an SMS code or a recovery code is accepted once).
   */
  verify(ctx: ServiceContext, user: UserRecord, code: string): Promise<boolean>;
  /** A cap on wrong answers of this kind below the user's, or `null` (`tokens.smsCodeMaxAttempts` for SMS). */
  maxFailures(policy: GatehousePolicy): number | null;
}
