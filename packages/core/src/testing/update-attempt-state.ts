import type { AttemptState } from "../policy/lockout.js";
import type { AttemptRepository } from "../store/store.js";

const MAX_ROUNDS = 500;

/**
 * Reads, decides and writes back one attempt state with compare-and-set, retrying when another caller won the
 * race: the same loop the service runs, with the same signature, so the suite exercises the store the way the
 * service will.
 */
export async function updateAttemptState<T>(
  repo: AttemptRepository,
  key: string,
  expiresAt: (next: AttemptState) => Date,
  decide: (state: AttemptState) => { next: AttemptState; result: T },
): Promise<T> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { state, version } = await repo.get(key);
    const { next, result } = decide(state);
    if (await repo.compareAndSet(key, version, next, expiresAt(next))) return result;
  }
  throw new Error(`updateAttemptState: ${MAX_ROUNDS} compare-and-set rounds lost for ${key}`);
}
