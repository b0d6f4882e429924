// A real OpenID Connect provider (the oidc-provider package) for the staff
// single sign-on tests: one confidential client, PKCE required, a `groups`
// claim, test people, and a plain sign-in form that a browser or a program
// can post to.
//
//   node e2e/oidc/provider.mjs --port 0 --client-id ID --client-secret SECRET \
//        --redirect-uri http://127.0.0.1:8080/ops/sso/callback
//
// prints one JSON line, {"issuer": "http://127.0.0.1:PORT"}, once it listens.
// Every test person's password is `gigafibre`.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

import Provider from "oidc-provider";

export const PASSWORD = "gigafibre";

/** The people this provider knows, by login. */
export const PEOPLE = {
  "ada.admin@gigafibre.test": { name: "Ada Lavoie", groups: ["gf-admins", "everyone"] },
  "louis.agent@gigafibre.test": { name: "Louis Tremblay", groups: ["everyone"] },
  "sam@example.test": { name: "Sam Inconnu", groups: [] },
  "theo.tech@gigafibre.test": { name: "Théo Gagnon", groups: ["gf-techs"] },
  "denise.former@gigafibre.test": { name: "Denise Roy", groups: ["gf-admins"] },
  // Another account that was given the administrator's address later on.
  "ada.impostor@gigafibre.test": { name: "Ada Imposteur", groups: ["gf-admins"], email: "ada.admin@gigafibre.test" },
  // Claims the agent's address without the provider having verified it.
  "mallory@example.test": { name: "Mallory", groups: [], email: "louis.agent@gigafibre.test", emailVerified: false },
};

function account(login) {
  const person = PEOPLE[login];
  if (!person) return undefined;
  return {
    accountId: login,
    async claims() {
      return {
        sub: login,
        email: person.email ?? login,
        email_verified: person.emailVerified ?? true,
        name: person.name,
        groups: person.groups,
      };
    },
  };
}

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function signInForm(uid, clientId, error) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test identity provider</title>
<style>body{font-family:sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.4rem 0}
input,button{font-size:1rem;padding:.6rem;box-sizing:border-box}.error{color:#8a1c1c}</style></head>
<body><h1>Test identity provider</h1><p>Sign in to continue to <strong>${escape(clientId)}</strong>.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">E-mail</label><input id="login" name="login" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Cancel</button></form>
</body></html>`;
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(html);
}

/** The sign-in form and its answers; `null` when the request is not one. */
async function interaction(provider, req, res) {
  const match = new URL(req.url, "http://x").pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
  if (!match) return null;
  const [, uid, action] = match;
  const details = await provider.interactionDetails(req, res);
  if (req.method === "GET" && !action) {
    return send(res, 200, signInForm(uid, details.params.client_id));
  }
  if (req.method === "POST" && action === "abort") {
    return provider.interactionFinished(req, res, { error: "access_denied", error_description: "The person cancelled." });
  }
  if (req.method === "POST" && action === "login") {
    const form = await readForm(req);
    const login = (form.get("login") ?? "").trim().toLowerCase();
    if (!PEOPLE[login] || form.get("password") !== PASSWORD) {
      return send(res, 401, signInForm(uid, details.params.client_id, "Unknown e-mail or wrong password."));
    }
    // Signed in and consenting at once: the client is the organisation's own.
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, {
      mergeWithLastSubmission: false,
    });
  }
  return send(res, 405, "method not allowed");
}

/** Starts the provider; resolves to `{ issuer, close }`. */
export async function startProvider({ port = 0, host = "127.0.0.1", clientId, clientSecret, redirectUris }) {
  let provider;
  const server = createServer(async (req, res) => {
    try {
      if ((await interaction(provider, req, res)) === null) provider.callback()(req, res);
    } catch (error) {
      if (!res.headersSent) send(res, 400, `<p>${escape(error.message)}</p>`);
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const issuer = `http://${host}:${server.address().port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    scopes: ["openid", "email", "profile", "groups"],
    claims: { email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    // The claims ride in the ID token itself, as staff directories do.
    conformIdTokenClaims: false,
    findAccount: (ctx, id) => account(id),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, details) => `/interaction/${details.uid}` },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" }] },
  });
  return { issuer, close: () => new Promise((resolve) => server.close(resolve)) };
}

// Run as a program: arguments in, issuer out.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = Object.fromEntries(
    process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
  );
  const { issuer } = await startProvider({
    port: Number(args.port ?? 0),
    clientId: args["client-id"] ?? "gigafibre-ops",
    clientSecret: args["client-secret"] ?? "gigafibre-ops-secret",
    redirectUris: (args["redirect-uri"] ?? "http://127.0.0.1:8080/ops/sso/callback").split(","),
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
  // Ends with its parent: stdin closes when the test that started it is gone.
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
