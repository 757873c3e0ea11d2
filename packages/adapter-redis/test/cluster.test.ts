import { describeStoreConformance } from "@gatehousejs/core/testing";
import { Cluster } from "ioredis";
import { describe, it } from "vitest";
import { createRedisStore } from "../src/redis-store.js";
import {
  type PrivateRedisCluster,
  requireRedisServerBinary,
  startPrivateRedisCluster,
} from "./support/redis-server.js";

// The same conformance suite on a real three-primary Redis Cluster: the records of one test land in different
// slots and nodes, so a multi-key command or script would fail here with CROSSSLOT, and every node must be
// taught the scripts on its own (EVALSHA → NOSCRIPT → EVAL).
if (requireRedisServerBinary()) {
  let cluster: PrivateRedisCluster | undefined;
  let client: Cluster | undefined;
  describeStoreConformance({
    name: "redis cluster",
    repositories: ["sessions", "attempts", "tokens", "auditOutbox"],
    create: async () => {
      cluster = await startPrivateRedisCluster();
      client = new Cluster(
        cluster.ports.map((port) => ({ host: "127.0.0.1", port })),
        {
          redisOptions: { commandTimeout: 1000, maxRetriesPerRequest: 1 },
        },
      );
      await new Promise((resolve, reject) => {
        client?.once("ready", resolve);
        client?.once("error", reject);
      });
      return createRedisStore({ redis: client, keyPrefix: "gh-cluster:" });
    },
    teardown: async () => {
      client?.disconnect();
      await cluster?.stop();
    },
  });
} else {
  describe.skip("store conformance: redis cluster", () => {
    it("needs redis-server on PATH", () => {});
  });
}
