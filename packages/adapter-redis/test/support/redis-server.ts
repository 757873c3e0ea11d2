import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { inCI } from "./redis.js";

/**
 * Whether `redis-server` can be started here. Outside CI its absence skips the outage test; in CI it
 * throws, so the run fails instead of passing without the test.
 */
export function requireRedisServerBinary(): boolean {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.status === 0) return true;
  if (inCI) throw new Error("redis-server is required in CI for the outage test and is not on PATH.");
  console.warn("redis-server is not on PATH: the outage test is skipped (it fails in CI).");
  return false;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === "object" && address !== null) resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/** A private, non-persistent Redis server the test owns, on its own port. */
export interface PrivateRedisServer {
  readonly port: number;
  /** Starts (or restarts) the server; resolves once it answers PING. */
  start(): Promise<void>;
  /** Sends a signal to the server process (SIGKILL: crash; SIGSTOP/SIGCONT: hang and resume). */
  signal(signal: NodeJS.Signals): void;
  /** Kills the server if it runs and waits for it to exit. */
  stop(): Promise<void>;
}

/** Prepares a server on `port`; nothing runs until `start`. */
export function privateRedisServer(port: number): PrivateRedisServer {
  let child: ChildProcess | null = null;

  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGKILL");
    await exited;
  };

  return {
    port,
    async start() {
      await stop();
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
      const started = spawn("redis-server", args, { stdio: "ignore" });
      child = started;
      await waitUntilAnswering(port, 10_000);
    },
    signal(signal) {
      if (child === null) throw new Error("The private Redis server is not running.");
      child.kill(signal);
    },
    stop,
  };
}

async function waitUntilAnswering(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`redis-server did not start on port ${port}.`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      probe.disconnect();
    }
  }
}

/** A private Redis Cluster of three primaries, each a `redis-server` the test owns, in a temporary folder. */
export interface PrivateRedisCluster {
  readonly ports: readonly number[];
  /** Stops every node and removes the folder. */
  stop(): Promise<void>;
}

/** Starts three cluster nodes, joins them with `redis-cli --cluster create`, and waits for `cluster_state:ok`. */
export async function startPrivateRedisCluster(): Promise<PrivateRedisCluster> {
  const folder = mkdtempSync(join(tmpdir(), "gh-redis-cluster-"));
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = await freeClusterPort();
    if (!ports.includes(port)) ports.push(port);
  }
  const nodes: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      nodes.map((node) =>
        node.exitCode !== null || node.signalCode !== null
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              node.once("exit", () => resolve());
              node.kill("SIGKILL");
            }),
      ),
    );
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
      args.push("--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`);
      nodes.push(spawn("redis-server", args, { cwd: folder, stdio: "ignore" }));
    }
    for (const port of ports) await waitUntilAnswering(port, 10_000);
    const create = spawnSync(
      "redis-cli",
      [
        "--cluster",
        "create",
        ...ports.map((port) => `127.0.0.1:${port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stderr}${create.stdout}`);
    await waitForClusterOk(ports, 20_000);
    return { ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A free port below 55536 whose cluster bus port (+10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await canListen(port)) && (await canListen(port + 10_000))) return port;
  }
  throw new Error("No free port pair for a cluster node.");
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function waitForClusterOk(ports: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(
      ports.map(async (port) => {
        const node = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null });
        node.on("error", () => {});
        try {
          await node.connect();
          return String(await node.call("CLUSTER", "INFO")).includes("cluster_state:ok");
        } catch {
          return false;
        } finally {
          node.disconnect();
        }
      }),
    );
    if (states.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error("The private Redis Cluster did not reach cluster_state:ok.");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
