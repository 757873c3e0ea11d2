import { createGatehouse, createMemoryMailer, createMemoryStore, generateSecretKey } from "@gatehousejs/core";
import express from "express";
import { describe, expect, it } from "vitest";
import { gatehouseRouter } from "../src/index.js";

// The route suites run on each Express line the peer range takes: 5 by default, 4 in the project of
// vitest.express4.config.ts, which sets GATEHOUSE_EXPRESS_LINE. This shows the swap took effect, for the
// app the tests build and for the router the package builds.
const line = process.env.GATEHOUSE_EXPRESS_LINE ?? "5";

/** Express 4 takes a bare `*` in a path; Express 5 (path-to-regexp 8) refuses it. */
function acceptsBareWildcard(register: (path: string) => unknown): boolean {
  try {
    register("/legacy/*");
    return true;
  } catch {
    return false;
  }
}

describe("the Express line", () => {
  it(`is ${line} for the app`, () => {
    const app = express();
    expect(acceptsBareWildcard((path) => app.get(path, (_req, res) => res.end()))).toBe(line === "4");
  });

  it(`is ${line} for the package's router`, () => {
    const gatehouse = createGatehouse({
      store: createMemoryStore(),
      mailer: createMemoryMailer(),
      secrets: { current: generateSecretKey("k1") },
      links: "https://app.example.test",
    });
    const router = gatehouseRouter(gatehouse);
    expect(acceptsBareWildcard((path) => router.get(path, (_req, res) => res.end()))).toBe(line === "4");
  });
});
