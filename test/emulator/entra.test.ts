// The emulator signs in too: a fake Microsoft Entra ID issues expiring, signed tokens to a service principal (client
// secret, or a client assertion signed with its certificate), and the Azure DevOps emulator takes them as Bearer
// tokens where the identity was added, refusing them as the service does everywhere else.
import { createSign, randomUUID, X509Certificate } from 'node:crypto';

import { startEmulator, type Emulator } from '.';
import { AZURE_DEVOPS_RESOURCE, startEntra, testCertificate, type EntraEmulator } from './entra';

const TENANT = '8c3d1f52-1111-4a4a-9b9b-0123456789ab';
const CLIENT = '0f0e0d0c-2222-4b4b-8c8c-ba9876543210';
const SIGNING_APP = '0f0e0d0c-3333-4b4b-8c8c-ba9876543210';
const SECRET = 'emu-sp-secret-not-real';
const SCOPE = `${AZURE_DEVOPS_RESOURCE}/.default`;

let entra: EntraEmulator;
let emu: Emulator;

beforeAll(async () => {
	entra = await startEntra({
		apps: [
			{ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, name: 'Service Desk Sync', organizations: ['fabrikam'] },
			{ tenantId: TENANT, clientId: SIGNING_APP, certificate: testCertificate().certificate, organizations: ['fabrikam', 'contoso'] },
		],
	});
	emu = await startEmulator({ bearer: entra.verifier });
});

afterAll(async () => {
	await emu.stop();
	await entra.close();
});

async function token(form: Record<string, string>, tenant = TENANT): Promise<{ status: number; body: Record<string, unknown> }> {
	const response = await fetch(`${entra.url}/${tenant}/oauth2/v2.0/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(form).toString(),
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const withSecret = (secret = SECRET) => ({ client_id: CLIENT, client_secret: secret, scope: SCOPE, grant_type: 'client_credentials' });

function assertion(claims: Record<string, unknown> = {}, key = testCertificate().privateKey, cert = testCertificate().certificate): string {
	const now = Math.floor(entra.now() / 1000);
	const x5t = Buffer.from(new X509Certificate(cert).fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
	const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5t })).toString('base64url');
	const body = Buffer.from(
		JSON.stringify({
			aud: `${entra.url}/${TENANT}/oauth2/v2.0/token`,
			iss: SIGNING_APP,
			sub: SIGNING_APP,
			jti: randomUUID(),
			nbf: now,
			exp: now + 600,
			...claims,
		}),
	).toString('base64url');
	return `${header}.${body}.${createSign('RSA-SHA256').update(`${header}.${body}`).sign(key).toString('base64url')}`;
}

const withAssertion = (jwt: string) => ({
	client_id: SIGNING_APP,
	client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
	client_assertion: jwt,
	scope: SCOPE,
	grant_type: 'client_credentials',
});

async function connectionData(organization: string, bearer: string) {
	const response = await fetch(`${emu.orgUrl(organization)}/_apis/connectionData?api-version=5.0-preview.1`, {
		headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' },
	});
	return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '', body: (await response.json()) as Record<string, unknown> };
}

describe('the fake Microsoft Entra ID', () => {
	it('issues a signed, expiring Azure DevOps token for a client secret', async () => {
		const { status, body } = await token(withSecret());
		expect(status).toBe(200);
		expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
		const claims = JSON.parse(Buffer.from(String(body.access_token).split('.')[1], 'base64url').toString());
		expect(claims).toMatchObject({ aud: AZURE_DEVOPS_RESOURCE, tid: TENANT, appid: CLIENT });
		expect(claims.exp - claims.iat).toBe(3599);
	});

	it('refuses a wrong secret, an unknown app or tenant, and a scope that is not Azure DevOps\' .default', async () => {
		expect(await token(withSecret('wrong'))).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [7000215] } });
		expect(await token({ ...withSecret(), client_id: randomUUID() })).toMatchObject({ status: 400, body: { error_codes: [700016] } });
		expect(await token(withSecret(), randomUUID())).toMatchObject({ status: 400, body: { error_codes: [90002] } });
		expect(await token({ ...withSecret(), scope: 'https://graph.microsoft.com/.default' })).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
		expect(entra.requests.every((r) => !JSON.stringify(r).includes(SECRET))).toBe(true);
	});

	it('issues a token for a client assertion signed with the registered certificate, and verifies it', async () => {
		expect((await token(withAssertion(assertion()))).status).toBe(200);
		const other = testCertificate('other');
		// signed by a certificate the app does not have
		expect(await token(withAssertion(assertion({}, other.privateKey, other.certificate)))).toMatchObject({ status: 401, body: { error_codes: [700027] } });
		// the registered certificate's thumbprint, but another key's signature
		expect(await token(withAssertion(assertion({}, other.privateKey))).then((r) => r.body.error_codes)).toEqual([7000274]);
		expect(await token(withAssertion(assertion({ aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' })))).toMatchObject({ status: 401, body: { error_codes: [700212] } });
		expect(await token(withAssertion(assertion({ iss: CLIENT, sub: CLIENT })))).toMatchObject({ status: 401 });
		expect(await token(withAssertion(assertion({ exp: Math.floor(entra.now() / 1000) - 1 })))).toMatchObject({ body: { error_codes: [700024] } });
		const once = assertion();
		expect((await token(withAssertion(once))).status).toBe(200);
		expect(await token(withAssertion(once))).toMatchObject({ status: 401, body: { error_codes: [700025] } });
	});
});

describe('Azure DevOps with Microsoft Entra tokens', () => {
	it('accepts the token in an organization the service principal was added to, as that identity', async () => {
		const { body } = await token(withSecret());
		const answer = await connectionData('fabrikam', String(body.access_token));
		expect(answer.status).toBe(200);
		expect(answer.body.authenticatedUser).toMatchObject({ providerDisplayName: 'Service Desk Sync' });
	});

	it('answers 401 in an organization the identity is not a member of', async () => {
		const { body } = await token(withSecret());
		const answer = await connectionData('contoso', String(body.access_token));
		expect(answer.status).toBe(401);
		expect(answer.body).toMatchObject({ typeKey: 'UnauthorizedRequestException' });
	});

	it('answers 401 with an invalid_token challenge to an expired, a wrong-audience or an unknown token', async () => {
		const { body } = await token(withSecret());
		entra.advance(3600_000);
		try {
			const expired = await connectionData('fabrikam', String(body.access_token));
			expect(expired.status).toBe(401);
			expect(expired.challenge).toMatch(/Bearer .*error="invalid_token".*expired/);
		} finally {
			entra.advance(-3600_000);
		}
		const now = Math.floor(entra.now() / 1000);
		const graph = entra.issueRaw({ aud: 'https://graph.microsoft.com', tid: TENANT, oid: 'x', exp: now + 600 });
		expect(await connectionData('fabrikam', graph)).toMatchObject({ status: 401, challenge: expect.stringMatching(/audience/) });
		expect((await connectionData('fabrikam', 'not-a-jwt')).status).toBe(401);
		const forged = `${String(body.access_token).split('.').slice(0, 2).join('.')}.${Buffer.from('forged').toString('base64url')}`;
		expect((await connectionData('fabrikam', forged)).status).toBe(401);
	});

	it('refuses Entra tokens on Azure DevOps Server, which has no Entra sign-in', async () => {
		entra.setMembership(CLIENT, 'DefaultCollection', true);
		try {
			const { body } = await token(withSecret());
			expect((await connectionData('DefaultCollection', String(body.access_token))).status).toBe(401);
		} finally {
			entra.setMembership(CLIENT, 'DefaultCollection', false);
		}
	});
});
