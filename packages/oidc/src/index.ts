/**
 * `@gatehousejs/oidc`: single sign-on for Gatehouse organizations through OpenID Connect, on openid-client 6.
 * It implements core's identity-provider port. Explicit named exports only.
 *
 * @module @gatehousejs/oidc
 */

export { createOidcIdentityProvider, type OidcIdentityProviderOptions } from "./oidc-identity-provider.js";
