// Microsoft Entra sign-in, the pure part: what a service principal sends, how the answer is read, how long a token is
// kept (on an injected clock), and where a Bearer token may go.
import { createVerify, X509Certificate } from 'node:crypto';

import {
	AZURE_DEVOPS_SCOPE,
	clientCredentialsForm,
	entraOrganizations,
	EXPIRY_MARGIN_MS,
	managedIdentityRequest,
	readManagedIdentity,
	readManagedIdentityAnswer,
	readServicePrincipal,
	readTokenAnswer,
	servicePrincipalToken,
	TokenCache,
	tokenCacheKey,
	tokenEndpoint,
} from '../../nodes/AzureDevOpsConnector/transport/entraToken';
import { ConnectorError } from '../../nodes/AzureDevOpsConnector/connector/errors';
import { authenticateBearerForOrganization } from '../../nodes/AzureDevOpsConnector/connector/organizationTokens';
import { testCertificate } from '../emulator/entra';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const CANARY = 'canary-sp-secret-0b7e-never-print-me';

function fakeClock(start = Date.UTC(2026, 11, 3, 8, 0, 0)) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

function codeOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (error) {
		return (error as ConnectorError).code;
	}
	return undefined;
}

describe('reading a service principal credential', () => {
	it('takes tenant, client and secret, with the public cloud as the default authority', () => {
		const principal = readServicePrincipal({ tenantId: TENANT, clientId: CLIENT, clientSecret: CANARY });
		expect(principal.authorityHost).toBe('https://login.microsoftonline.com');
		expect(tokenEndpoint(principal)).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
	});

	it('accepts a sovereign cloud authority and a tenant domain name', () => {
		const principal = readServicePrincipal({
			tenantId: 'contoso.onmicrosoft.us',
			clientId: CLIENT,
			clientSecret: CANARY,
			authorityHost: 'https://login.microsoftonline.us/',
		});
		expect(tokenEndpoint(principal)).toBe('https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token');
	});

	it('names the field that is wrong, with a code, and never the secret', () => {
		expect(codeOf(() => readServicePrincipal({ tenantId: '', clientId: CLIENT, clientSecret: CANARY }))).toBe('AZDC-4050');
		expect(codeOf(() => readServicePrincipal({ tenantId: TENANT, clientId: 'my-app', clientSecret: CANARY }))).toBe('AZDC-4050');
		expect(codeOf(() => readServicePrincipal({ tenantId: TENANT, clientId: CLIENT, clientSecret: ' ' }))).toBe('AZDC-4050');
		expect(
			codeOf(() => readServicePrincipal({ tenantId: TENANT, clientId: CLIENT, clientSecret: CANARY, authorityHost: 'http://login.example' })),
		).toBe('AZDC-1011');
		expect(
			codeOf(() =>
				readServicePrincipal({ tenantId: TENANT, clientId: CLIENT, clientSecret: CANARY, authorityHost: 'https://login.microsoftonline.com/tenant' }),
			),
		).toBe('AZDC-4050');
		try {
			readServicePrincipal({ tenantId: 'not a tenant', clientId: CLIENT, clientSecret: CANARY });
		} catch (error) {
			expect((error as Error).message).toMatch(/Tenant ID/);
			expect((error as Error).message).not.toContain(CANARY);
		}
	});

	it('refuses a private key that is not the certificate\'s', () => {
		const mine = testCertificate('service-principal');
		const other = testCertificate('other');
		const data = { tenantId: TENANT, clientId: CLIENT, authMethod: 'certificate', certificate: mine.certificate, privateKey: other.privateKey };
		expect(codeOf(() => readServicePrincipal(data))).toBe('AZDC-4050');
		expect(codeOf(() => readServicePrincipal({ ...data, privateKey: 'not a key' }))).toBe('AZDC-4050');
		expect(codeOf(() => readServicePrincipal({ ...data, privateKey: mine.privateKey, certificate: 'nope' }))).toBe('AZDC-4050');
	});
});

describe('the token request', () => {
	it('with a client secret: client credentials for the Azure DevOps resource', () => {
		const form = new URLSearchParams(
			clientCredentialsForm(readServicePrincipal({ tenantId: TENANT, clientId: CLIENT, clientSecret: CANARY }), Date.now()),
		);
		expect(Object.fromEntries(form)).toEqual({
			client_id: CLIENT,
			scope: '499b84ac-1321-427f-aa17-267ca6975798/.default',
			grant_type: 'client_credentials',
			client_secret: CANARY,
		});
		expect(AZURE_DEVOPS_SCOPE).toBe(form.get('scope'));
	});

	it('with a certificate: an RS256 client assertion naming the certificate by its SHA-1 thumbprint, valid ten minutes', () => {
		const { certificate, privateKey } = testCertificate();
		const principal = readServicePrincipal({ tenantId: TENANT, clientId: CLIENT, authMethod: 'certificate', certificate, privateKey });
		const now = Date.UTC(2026, 11, 3, 8, 0, 0);
		const form = new URLSearchParams(clientCredentialsForm(principal, now));
		expect(form.get('client_secret')).toBeNull();
		expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
		const [header, claims, signature] = String(form.get('client_assertion')).split('.');
		const x509 = new X509Certificate(certificate);
		expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
			alg: 'RS256',
			typ: 'JWT',
			x5t: Buffer.from(x509.fingerprint.replace(/:/g, ''), 'hex').toString('base64url'),
		});
		const body = JSON.parse(Buffer.from(claims, 'base64url').toString());
		expect(body).toMatchObject({ aud: tokenEndpoint(principal), iss: CLIENT, sub: CLIENT, nbf: now / 1000, exp: now / 1000 + 600 });
		expect(body.jti).toMatch(/^[0-9a-f-]{36}$/);
		expect(createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(x509.publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
		// a fresh assertion (new jti) every time
		expect(new URLSearchParams(clientCredentialsForm(principal, now)).get('client_assertion')).not.toBe(form.get('client_assertion'));
	});
});

describe('reading the token endpoint\'s answer', () => {
	it('a token and when it expires', () => {
		expect(readTokenAnswer(200, { token_type: 'Bearer', expires_in: 3599, access_token: 'abc' }, 1_000)).toEqual({
			token: 'abc',
			expiresAt: 1_000 + 3_599_000,
		});
	});

	it('Microsoft\'s refusal with its AADSTS reason, without trace ids', () => {
		let error: ConnectorError | undefined;
		try {
			readTokenAnswer(
				401,
				{
					error: 'invalid_client',
					error_description: 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent is the value. Trace ID: 1 Correlation ID: 2',
				},
				0,
			);
		} catch (e) {
			error = e as ConnectorError;
		}
		expect(error?.code).toBe('AZDC-4051');
		expect(error?.message).toContain('AADSTS7000215: Invalid client secret provided.');
		expect(error?.message).not.toContain('Trace ID');
	});

	it('anything else is AZDC-4052', () => {
		expect(codeOf(() => readTokenAnswer(200, '<html>', 0))).toBe('AZDC-4052');
		expect(codeOf(() => readTokenAnswer(502, undefined, 0))).toBe('AZDC-4052');
	});
});

describe('the token cache (injected clock)', () => {
	it('keeps a token until five minutes before it expires, then fetches a new one', async () => {
		const clock = fakeClock();
		const cache = new TokenCache(clock);
		let fetches = 0;
		const fetch = async () => ({ token: `t${++fetches}`, expiresAt: clock.now() + 3_600_000 });
		expect((await cache.obtain('k', fetch)).token).toBe('t1');
		clock.advance(3_600_000 - EXPIRY_MARGIN_MS - 1);
		expect((await cache.obtain('k', fetch)).token).toBe('t1');
		clock.advance(2);
		expect((await cache.obtain('k', fetch)).token).toBe('t2');
		expect(fetches).toBe(2);
	});

	it('shares one fetch among concurrent requests, and remembers no failure', async () => {
		const cache = new TokenCache(fakeClock());
		let fetches = 0;
		let fail = true;
		const fetch = async () => {
			fetches++;
			await new Promise((resolve) => setTimeout(resolve, 5));
			if (fail) throw new Error('no');
			return { token: 'ok', expiresAt: Number.MAX_SAFE_INTEGER };
		};
		const failed = await Promise.allSettled([cache.obtain('k', fetch), cache.obtain('k', fetch), cache.obtain('k', fetch)]);
		expect(failed.every((r) => r.status === 'rejected')).toBe(true);
		expect(fetches).toBe(1);
		fail = false;
		const tokens = await Promise.all([cache.obtain('k', fetch), cache.obtain('k', fetch)]);
		expect(tokens.map((t) => t.token)).toEqual(['ok', 'ok']);
		expect(fetches).toBe(2);
	});

	it('forgets a refused token only if it is still the cached one', async () => {
		const cache = new TokenCache(fakeClock());
		cache.remember('k', { token: 'new', expiresAt: Number.MAX_SAFE_INTEGER });
		cache.forget('k', 'old');
		expect(cache.fresh('k')?.token).toBe('new');
		cache.forget('k', 'new');
		expect(cache.fresh('k')).toBeUndefined();
	});

	it('keeps a credential\'s token apart from another\'s: the key changes with tenant, client, secret and authority', () => {
		const base = { tenantId: TENANT, clientId: CLIENT, clientSecret: CANARY };
		const key = tokenCacheKey('azureDevOpsServicePrincipalApi', base);
		expect(key).not.toContain(CANARY);
		for (const change of [{ tenantId: 'x' }, { clientId: 'y' }, { clientSecret: 'z' }, { authorityHost: 'https://login.microsoftonline.us' }]) {
			expect(tokenCacheKey('azureDevOpsServicePrincipalApi', { ...base, ...change })).not.toBe(key);
		}
	});

	it('signs in once for many requests, through whatever posts the form', async () => {
		const cache = new TokenCache(fakeClock());
		const posts: string[] = [];
		const post = async (url: string, form: string) => {
			posts.push(url);
			expect(form).toContain('grant_type=client_credentials');
			return { status: 200, body: { access_token: 'tok', expires_in: 3599 } };
		};
		const data = { tenantId: TENANT, clientId: CLIENT, clientSecret: CANARY };
		await Promise.all([1, 2, 3].map(async () => await servicePrincipalToken(data, post, cache)));
		expect(posts).toEqual([`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`]);
	});

	it('a network failure of the sign-in says where, never what was sent', async () => {
		const post = async () => {
			throw Object.assign(new Error(`connect failed with body client_secret=${CANARY}`), { code: 'ECONNREFUSED' });
		};
		const error = await servicePrincipalToken({ tenantId: TENANT, clientId: CLIENT, clientSecret: CANARY }, post, new TokenCache()).catch(
			(e: Error) => e,
		);
		expect((error as ConnectorError).code).toBe('AZDC-4052');
		expect((error as Error).message).toContain('ECONNREFUSED');
		expect((error as Error).message).not.toContain(CANARY);
	});
});

describe('where a Bearer token may go', () => {
	const organizations = entraOrganizations('https://dev.azure.com/fabrikam\nhttps://contoso.visualstudio.com', false);

	it('to the listed organizations only, as a Bearer header, with redirects off', () => {
		expect(organizations).toEqual(['https://dev.azure.com/fabrikam', 'https://dev.azure.com/contoso']);
		const request = authenticateBearerForOrganization(organizations, 'tok', {
			url: 'https://dev.azure.com/contoso/_apis/wit/workitems/1',
			headers: { authorization: 'Basic leftover' },
		});
		expect(request.headers).toEqual({ Authorization: 'Bearer tok', 'X-TFS-FedAuthRedirect': 'Suppress' });
		expect(request.disableFollowRedirect).toBe(true);
		expect(codeOf(() => authenticateBearerForOrganization(organizations, 'tok', { url: 'https://dev.azure.com/northwind/_apis' }))).toBe(
			'AZDC-4001',
		);
		expect(codeOf(() => authenticateBearerForOrganization(organizations, 'tok', { url: 'https://evil.example/fabrikam/_apis' }))).toBe(
			'AZDC-4001',
		);
	});

	it('never to an Azure DevOps Server collection, which has no Entra sign-in', () => {
		expect(codeOf(() => entraOrganizations('https://tfs.contoso.local/tfs/DefaultCollection', false))).toBe('AZDC-4054');
		expect(codeOf(() => entraOrganizations('', false))).toBe('AZDC-4050');
		expect(codeOf(() => entraOrganizations('https://dev.azure.com/a\nhttps://a.visualstudio.com', false))).toBe('AZDC-4003');
	});

	it('not at all without a token', () => {
		expect(codeOf(() => authenticateBearerForOrganization(organizations, '', { url: 'https://dev.azure.com/fabrikam/_apis' }))).toBe(
			'AZDC-4052',
		);
	});
});

describe('a managed identity', () => {
	it('asks the metadata service as Azure\'s SDKs do: Metadata header, api-version 2018-02-01, the resource, client_id for a user-assigned one', () => {
		expect(managedIdentityRequest(readManagedIdentity({ source: 'imds' }))).toEqual({
			url: 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=499b84ac-1321-427f-aa17-267ca6975798',
			headers: { Metadata: 'true' },
		});
		expect(managedIdentityRequest(readManagedIdentity({ source: 'imds', clientId: CLIENT })).url).toMatch(new RegExp(`&client_id=${CLIENT}$`));
	});

	it('asks App Service\'s identity endpoint with its header and api-version 2019-08-01', () => {
		const identity = readManagedIdentity({ source: 'appService', identityEndpoint: 'http://127.0.0.1:41741/msi/token', identityHeader: 'h' });
		expect(managedIdentityRequest(identity)).toEqual({
			url: 'http://127.0.0.1:41741/msi/token?api-version=2019-08-01&resource=499b84ac-1321-427f-aa17-267ca6975798',
			headers: { 'X-IDENTITY-HEADER': 'h' },
		});
		expect(codeOf(() => readManagedIdentity({ source: 'appService', identityEndpoint: 'http://127.0.0.1:1/msi/token', identityHeader: '' }))).toBe('AZDC-4050');
		expect(codeOf(() => readManagedIdentity({ source: 'imds', clientId: 'not-a-guid' }))).toBe('AZDC-4050');
		expect(codeOf(() => readManagedIdentity({ source: 'imds', imdsEndpoint: 'http://metadata.example/token' }))).toBe('AZDC-1011');
	});

	it('reads expires_on (epoch seconds, as a string or a number) or expires_in', () => {
		expect(readManagedIdentityAnswer(200, { access_token: 'a', expires_on: '1800000000', expires_in: '3599' }, 0)).toEqual({ token: 'a', expiresAt: 1_800_000_000_000 });
		expect(readManagedIdentityAnswer(200, { access_token: 'a', expires_on: 1_800_000_000 }, 0).expiresAt).toBe(1_800_000_000_000);
		expect(readManagedIdentityAnswer(200, { access_token: 'a', expires_in: '60' }, 5)).toEqual({ token: 'a', expiresAt: 60_005 });
		expect(codeOf(() => readManagedIdentityAnswer(400, { error: 'invalid_request', error_description: 'Identity not found' }, 0))).toBe('AZDC-4051');
		expect(codeOf(() => readManagedIdentityAnswer(502, 'gateway', 0))).toBe('AZDC-4052');
	});
});
