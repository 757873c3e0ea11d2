import { describe } from "vitest";
import type { Store } from "../store/store.js";
import { describeAuditAndSettingsFlows } from "./flows/audit-and-settings.js";
import { describeCarriedPrincipalFlows } from "./flows/carried-principal.js";
import { describeCoreFlows } from "./flows/core.js";
import { describeEmailChangeFlows } from "./flows/email-change.js";
import { describeNameFlows } from "./flows/names.js";
import { describeSecondFactorFlows } from "./flows/second-factors.js";
import { describeSendingFlows } from "./flows/sending.js";
import { describeSsoFlows } from "./flows/sso.js";
import { describeSsoPasswordFlows } from "./flows/sso-passwords.js";

/**
 * The service's flows end to end on a store: what the conformance suite cannot see (invitation batches,
 * lockout, e-mail change, the last administrator, reset links, the attacks the service must hold against).
 * Run it next to `describeStoreConformance`. Each topic is one file of `flows/`.
 */
export function describeServiceFlows(store: () => Store): void {
  describe("service flows", () => {
    describeCoreFlows(store);
    describeCarriedPrincipalFlows(store);
    describeEmailChangeFlows(store);
    describeAuditAndSettingsFlows(store);
    describeNameFlows(store);
    describeSecondFactorFlows(store);
    describeSendingFlows(store);
    describeSsoFlows(store);
    describeSsoPasswordFlows(store);
  });
}
