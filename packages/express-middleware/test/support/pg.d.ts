// The slice of `pg` the tests and the benchmark use. @types/pg is not among this package's dev dependencies
// (the adapter has it); this keeps the composed-store suite typed without it.
declare module "pg" {
  interface ConnectionOptions {
    connectionString?: string;
    connectionTimeoutMillis?: number;
    max?: number;
    application_name?: string;
  }
  class Client {
    constructor(options?: ConnectionOptions);
    connect(): Promise<void>;
    query(text: string): Promise<unknown>;
    end(): Promise<void>;
  }
  class Pool {
    constructor(options?: ConnectionOptions);
    on(event: "error", listener: (error: Error) => void): this;
    end(): Promise<void>;
    // biome-ignore lint/suspicious/noExplicitAny: kysely's PostgresPool is structural; the real types are pg's
    connect(): Promise<any>;
  }
  const pg: { Client: typeof Client; Pool: typeof Pool };
  export default pg;
}
