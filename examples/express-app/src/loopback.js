/**
 * Whether a host name or address only this machine can reach: `localhost`, 127.0.0.0/8 or `::1`.
 * @param {string} host
 * @returns {boolean}
 */
export function isLoopback(host) {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(?:\.\d{1,3}){3}$/.test(bare);
}
