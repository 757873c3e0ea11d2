import { can, type Grants, type ValidSession } from "@gatehousejs/core";
import type { SignedInAuth, SignedOutAuth } from "./types.js";

const neverCan = (): false => false;

/** The auth of a request without a valid session: every field `null`, `can` always false. */
export const signedOut: SignedOutAuth = Object.freeze({
  user: null,
  stage: null,
  session: null,
  organization: null,
  grants: null,
  can: neverCan,
});

/** The auth of a validated session; a pending stage holds no permission, whatever its user's roles. */
export function signedInAuth(valid: ValidSession): SignedInAuth {
  const { session } = valid;
  const grants = valid.grants as Grants<never>;
  const check = (page: string, action: string): boolean => can(grants, page as never, action as never);
  return Object.freeze({
    user: valid.user,
    stage: session.stage,
    session,
    organization: valid.organization,
    grants: valid.grants as SignedInAuth["grants"],
    can: session.stage === "authenticated" ? check : neverCan,
  });
}
