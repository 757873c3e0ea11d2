import type {
  AttemptRepository,
  AuditOutboxRepository,
  SessionRepository,
  SignInCommit,
} from "@gatehousejs/core";
import { minimumAttemptRetentionMs, swapResultOf } from "./attempt-repository.js";
import { encodeAttemptText, encodeAuditEntry, encodeSession } from "./codec.js";
import type { Commands } from "./commands.js";
import { conflictError } from "./conflict.js";
import type { KeyLayout } from "./keys.js";
import { lifetimeMs } from "./lifetime.js";
import { signInCommitScript } from "./scripts/sign-in-commit.js";

/** The repositories a {@link createSignInCommit} writes to, as the store hands them out. */
interface CommittedRepositories {
  readonly attempts: AttemptRepository;
  readonly sessions: SessionRepository;
  readonly auditOutbox: AuditOutboxRepository;
}

/**
 * A sign-in's settlement, session and audit entries in one script (`signInCommitScript`), one round trip, on
 * a standalone server: the keys are of different cluster slots, so a cluster client gets none and the service
 * makes the three calls.
 */
export function createSignInCommit(
  commands: Commands,
  keys: KeyLayout,
  repositories: CommittedRepositories,
): SignInCommit {
  return {
    ...repositories,
    prepare(session, audit) {
      // Encoded now, while the service's hash runs: only the attempt's settlement is left for the commit.
      const keyList = [
        keys.userSessions(session.userId),
        keys.session(session.tokenHash),
        keys.auditOutbox(),
      ];
      const writes = [
        session.tokenHash,
        lifetimeMs(session.lastActiveAt, session.expiresAt),
        encodeSession(session),
        ...audit.flatMap((entry) => [entry.id, encodeAuditEntry(entry)]),
      ];
      return async (attempt) => {
        const reply = await commands.scriptOnSlot(
          "signInCommit",
          signInCommitScript,
          [keys.attempts(attempt.key), ...keyList],
          [
            attempt.expectedVersion,
            attempt.next === null ? "" : encodeAttemptText(attempt.next),
            attempt.expiresAt.getTime(),
            minimumAttemptRetentionMs,
            ...writes,
          ],
        );
        if (Array.isArray(reply) && reply[0] === -1) throw conflictError("session", "tokenHash");
        return swapResultOf("signInCommit", reply);
      };
    },
  };
}
