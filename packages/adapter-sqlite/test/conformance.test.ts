import { describeStoreConformance } from "@gatehousejs/core/testing";
import type { Kysely } from "kysely";
import { createSqliteStore, migrateToLatest } from "../src/index.js";
import { connect, corruptAttemptRow, temporaryDatabaseFile } from "./support/databases.js";

// The whole conformance suite on SQLite, on a database file and in memory.
//
// The concurrency cases (50 racing callers, two demotions of the last administrators, three bootstraps of an
// organization with no row) pass because SQLite has one writer: kysely's SqliteDialect runs every statement of a
// process on its one connection, a transaction holding it to the end, and each Gatehouse transaction takes the
// database's write lock first (as BEGIN IMMEDIATE would), so transactions run one after the other and a read after
// `organizations.lock` sees all that was committed before. In one process the single connection alone would
// serialize them, so these cases pass whatever the lock hooks do; sqlite-specifics.test.ts proves the lock
// across two connections to the file (it fails without it), where another process waits up to busy_timeout.
//
// Collation: BINARY (UTF-8 bytes, code-point order, exact: `jose@` and `josé@` differ, `a ` is not `a`); the
// e-mail key is lower(email), which folds ASCII letters only. Instants are INTEGER milliseconds: SQLite has no
// session time zone, so the "other time zone" store is a second connection to the same file (every instant
// crosses connections exactly); there is no second connection to a private in-memory database.
const file = temporaryDatabaseFile();
let fileDb: Kysely<unknown> | undefined;
let secondDb: Kysely<unknown> | undefined;
describeStoreConformance({
  name: "sqlite (file)",
  create: async () => {
    fileDb = connect(file.filename);
    await migrateToLatest(fileDb);
    return createSqliteStore({ db: fileDb });
  },
  createInOtherTimeZone: () => {
    secondDb = connect(file.filename);
    return createSqliteStore({ db: secondDb });
  },
  corruptAttempt: corruptAttemptRow(() => {
    if (fileDb === undefined) throw new Error("The store is not created.");
    return fileDb;
  }),
  teardown: async () => {
    await secondDb?.destroy();
    await fileDb?.destroy();
    file.remove();
  },
});

let memoryDb: Kysely<unknown> | undefined;
describeStoreConformance({
  name: "sqlite (:memory:)",
  create: async () => {
    memoryDb = connect(":memory:");
    await migrateToLatest(memoryDb);
    return createSqliteStore({ db: memoryDb });
  },
  corruptAttempt: corruptAttemptRow(() => {
    if (memoryDb === undefined) throw new Error("The store is not created.");
    return memoryDb;
  }),
  teardown: async () => {
    await memoryDb?.destroy();
  },
});
