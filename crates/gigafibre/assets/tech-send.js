// The one way the tech app writes to the server: every change goes through
// sendAction, which sends it with a fresh Idempotency-Key so that the
// server applies it once however often it arrives.

/** A new idempotency key (a random UUID). */
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Sends one write. Answers { ok, status, data } where data is the JSON
 * answer (an RFC 9457 problem when refused), or { ok: false, offline: true }
 * when the network failed.
 */
export async function sendAction({ method, url, headers = {}, body }) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...headers, "Idempotency-Key": newKey() },
      body,
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, offline: true };
  }
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}
