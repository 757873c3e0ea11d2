import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryStore } from "@gatehousejs/core";
import { describeServiceFlows, describeStoreConformance } from "@gatehousejs/core/testing";
import { afterAll } from "vitest";
import { createJsonFileStore } from "../src/json-file-store.js";

// The whole test file of a new adapter: the conformance suite for the repositories it provides, and the
// service's flows on the store it makes with a durable one.

const dir = mkdtempSync(join(tmpdir(), "gatehouse-json-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreConformance({
  name: "json-file",
  repositories: ["sessions", "attempts", "tokens"],
  create: () => createJsonFileStore({ path: join(dir, "conformance.json") }),
  // A damaged file, edited by hand or by another program: the adapter must refuse it, not read it as empty.
  corruptAttempt: async (key, raw) => {
    const path = join(dir, "conformance.json");
    const doc = JSON.parse(readFileSync(path, "utf8"));
    doc.attempts[key].state = JSON.stringify(raw);
    writeFileSync(path, JSON.stringify(doc));
  },
});

describeServiceFlows(() => ({
  ...createMemoryStore(),
  ...createJsonFileStore({ path: join(dir, "flows.json") }),
}));
