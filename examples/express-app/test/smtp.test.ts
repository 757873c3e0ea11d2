import type { AddressInfo } from "node:net";
import { createArgon2Hasher, createGatehouse, createMemoryStore, generateSecretKey } from "@gatehousejs/core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, test } from "vitest";
import { seedDemo } from "../src/seed.js";
import { createSmtpMailer } from "../src/smtp-mailer.js";

// With SMTP_URL set, the app sends real mail through nodemailer: here through a real SMTP server started
// in the test, which keeps what arrived.

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const received: Received[] = [];
let server: SMTPServer;
let url: string;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("the invitation of the seeded administrator arrives through a real SMTP server", async () => {
  const mailer = createSmtpMailer({ url, from: "Acme <noreply@acme.test>" });
  const gatehouse = createGatehouse({
    store: createMemoryStore(),
    mailer,
    secrets: { current: generateSecretKey("k1") },
    hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    links: "http://127.0.0.1:3000",
  });
  const seed = await seedDemo(gatehouse, { knownOrganizationId: null, temporaryPasswordOf: () => null });
  mailer.close();

  expect(received).toHaveLength(1);
  const [mail] = received;
  expect(mail?.from).toBe("noreply@acme.test");
  expect(mail?.to).toEqual([seed.adminEmail]);
  expect(mail?.raw).toMatch(/^Subject: You have been invited to Acme/m);
  expect(mail?.raw).toContain("Temporary password: ");
  expect(mail?.raw).toContain("http://127.0.0.1:3000/login");
  expect(mail?.raw).toMatch(/Content-Type: text\/html/);
});

test("a refused message rejects, so the flow reports it instead of pretending it went out", async () => {
  const mailer = createSmtpMailer({ url: "smtp://127.0.0.1:1" });
  await expect(
    mailer.send({
      to: "a@acme.test",
      subject: "x",
      text: "x",
      html: "<p>x</p>",
      message: { kind: "email-changed", to: "a@acme.test", invitationWithdrawn: false },
    }),
  ).rejects.toThrow();
  mailer.close();
});
