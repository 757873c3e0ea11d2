export { generateSecretKey, type KeyRing, parseKeyRing, type SecretKey } from "./key-ring.js";
export {
  type Argon2Options,
  createArgon2Hasher,
  defaultArgon2Options,
  hashPassword,
  hashSecret,
  needsRehash,
  type PasswordHasher,
  verifyDummyPassword,
  verifyPassword,
  verifySecret,
} from "./passwords.js";
export { createSecretBox, type SecretBox } from "./secret-box.js";
export {
  generateId,
  generateNumericCode,
  generateRecoveryCode,
  generateTemporaryPassword,
  generateToken,
  hashToken,
  normalizeRecoveryCode,
  timingSafeEqualString,
} from "./tokens.js";
export {
  encodeTotpSecret,
  generateTotpCode,
  generateTotpSecret,
  type TotpOptions,
  type TotpVerification,
  totpKeyUri,
  totpOptions,
  totpTimeStep,
  verifyTotpCode,
} from "./totp.js";
