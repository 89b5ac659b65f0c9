// A real OpenID Connect provider for the single sign-on tests (tests/accounts/test_sso.py):
// oidc-provider with its development sign-in pages, one confidential client, and accounts whose
// claims come from OIDC_TEST_ACCOUNTS (JSON: {"login": {"email": ..., "amr": [...]}}).
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_TEST_PORT);
const issuer = `http://localhost:${port}`;
const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS || "{}");

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_TEST_CLIENT_ID,
      client_secret: process.env.OIDC_TEST_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_TEST_REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ["sub", "amr"], email: ["email", "email_verified"], profile: ["name", "preferred_username", "given_name", "family_name"] },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["renewal-test-only"] },
  async findAccount(ctx, sub) {
    const claims = accounts[sub] || { email: `${sub}@example.org`, email_verified: true };
    return {
      accountId: sub,
      async claims() {
        return { sub, email_verified: true, preferred_username: sub, ...claims };
      },
    };
  },
  // Send the amr of the account in the ID token.
  extraTokenClaims: undefined,
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile");
    grant.addOIDCClaims(["amr", "email", "email_verified", "preferred_username", "name", "given_name", "family_name"]);
    await grant.save();
    return grant;
  },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
