// A real OpenID Connect provider on loopback for the portal's tests (tests/oidc.py starts it).
//
//   node tests/node/oidc_provider.mjs '{"port": 5555, "clients": [{"client_id": "portal",
//     "client_secret": "s3cret", "redirect_uris": [...], "post_logout_redirect_uris": [...]}],
//     "released_claims": ["upn", "groups", ...]}'
//
// Prints "ready <issuer>" once it listens. Everything (keys, sessions, grants) lives in memory
// and dies with the process.
//
// Accounts: the development login form accepts any login and any password. The login decides
// the claims, so a test controls them without restarting the provider:
//   alice                                          sub "alice", no e-mail
//   alice?email=alice@example.org                  sub "alice", that e-mail, verified
//   alice?email=alice@example.org&email_verified=false&name=Alice%20A
// These claims go into userinfo only (email and email_verified with the email scope, name with
// profile); the ID token carries sub alone, as it always has for such logins.
//
// A login with `c=` shapes both answers exactly, as Entra ID, AD FS, OS2faktor or Google would:
//   alice?c=<base64url of {"id_token": {...}, "userinfo": {...} | null, "userinfo_error": bool}>
// The ID token carries sub and the `id_token` claims, userinfo sub and the `userinfo` claims
// (only sub when null, like AD FS), and with `userinfo_error` the userinfo endpoint answers 401
// invalid_token for the account while the ID token still comes. Any JSON value goes ("true" as a
// string, a list of 100 groups). Only names in `released_claims` can be released (oidc-provider
// drops undeclared claims): tests/oidc.py passes its list and refuses other names.
//
// The provider remembers the latest claims per sub, so the same sub can come back with another
// e-mail, as at a real provider.

import { generateKeyPairSync, randomBytes } from "node:crypto";

import Provider, { errors } from "oidc-provider";

const settings = JSON.parse(process.argv[2] ?? "{}");
const port = Number(settings.port);
if (!port) {
  console.error("usage: node oidc_provider.mjs '{\"port\": N, \"clients\": [...]}'");
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

// A fresh signing key per run: nothing on disk, and a token from an earlier run cannot verify.
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: "jwk" }),
  kid: "test-rs256",
  use: "sig",
  alg: "RS256",
};

// The provider makes the account id the ID token's `sub`, so the login's claims part is cut off
// before the login form reaches it and kept here, by sub.
const accounts = new Map();

function rememberLogin(login) {
  const [sub, query = ""] = login.split("?", 2);
  const params = new URLSearchParams(query);
  if (params.has("c")) {
    const shape = JSON.parse(Buffer.from(params.get("c"), "base64url").toString("utf8"));
    accounts.set(sub, {
      idToken: shape.id_token ?? {},
      userinfo: shape.userinfo ?? {},
      userinfoError: shape.userinfo_error === true,
    });
    return sub;
  }
  const claims = {};
  if (params.has("email")) {
    claims.email = params.get("email");
    // Verified unless a test says otherwise: the portal must refuse unverified addresses.
    claims.email_verified = params.get("email_verified") !== "false";
  }
  if (params.has("name")) claims.name = params.get("name");
  accounts.set(sub, { simple: claims });
  return sub;
}

// Looked up when the claims are asked for, not at login: the latest login of a sub counts.
function claimsFor(sub, use, scope) {
  const account = accounts.get(sub) ?? { simple: {} };
  if (account.simple) {
    // A plain login: what the provider released before the claims could be shaped (every claim
    // is declared under openid now, so the email and profile scopes are checked here).
    if (use === "id_token") return { sub };
    const scopes = new Set(String(scope ?? "").split(" "));
    const { email, email_verified: verified, name } = account.simple;
    return {
      sub,
      ...(scopes.has("email") && email !== undefined ? { email, email_verified: verified } : {}),
      ...(scopes.has("profile") && name !== undefined ? { name } : {}),
    };
  }
  if (use === "id_token") return { ...account.idToken, sub };
  if (account.userinfoError) {
    throw new errors.InvalidToken("userinfo refused on purpose for this test account");
  }
  return { ...account.userinfo, sub };
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
}

const configuration = {
  clients: (settings.clients ?? []).map((client) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris ?? [],
    // The portal is a confidential web client: code flow only, secret in the Basic header.
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  })),
  responseTypes: ["code"],
  // By default PKCE is only enforced for public clients; requiring it for every client is what
  // proves the portal sends an S256 challenge and its verifier.
  pkce: { required: () => true },
  // A claim is released only if a granted scope declares it. Everything a shaped login may
  // carry is declared under openid, which every sign-in requests.
  claims: {
    openid: ["sub", ...(settings.released_claims ?? [])],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  // By default the ID token leaves out scope claims when an access token for userinfo comes
  // with it; Entra ID, AD FS and Google put them in the ID token, so shaped logins can too.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  async findAccount(ctx, accountId) {
    return { accountId, claims: async (use, scope) => claimsFor(accountId, use, scope) };
  },
};

const provider = new Provider(issuer, configuration);

// The login form posts to /interaction/<uid>: split its login before the provider reads it (it
// then uses this parsed body, and warns once that it did).
provider.use(async (ctx, next) => {
  if (ctx.method === "POST" && ctx.path.startsWith("/interaction/") && ctx.is("urlencoded")) {
    const form = await readForm(ctx.req);
    if (form.prompt === "login" && form.login) form.login = rememberLogin(form.login);
    ctx.request.body = form;
  }
  await next();
});
// A 500 inside the provider would otherwise only show as a bare error page in a test.
provider.on("server_error", (ctx, error) => console.error("server_error", error));

// No signal handlers: SIGTERM from the test session ends the process at once, open
// keep-alive connections and all.
provider.listen(port, "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
