import { auditRoutes } from "./audit.js";
import { authRoutes } from "./auth.js";
import { mfaRoutes } from "./mfa.js";
import { passwordRoutes } from "./password.js";
import { roleRoutes } from "./roles.js";
import type { Route } from "./route.js";
import { ssoRoutes } from "./sso.js";
import { ssoConnectionRoutes } from "./sso-connections.js";
import { userRoutes } from "./users.js";

/** Every route the layer serves, in matching order (a fixed path before a parameter in the same place). */
export const routeTable: readonly Route[] = Object.freeze([
  ...authRoutes,
  ...ssoRoutes,
  ...passwordRoutes,
  ...mfaRoutes,
  ...userRoutes,
  ...roleRoutes,
  ...auditRoutes,
  ...ssoConnectionRoutes,
]);
