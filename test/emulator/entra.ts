// Microsoft Entra ID on 127.0.0.1, as far as Azure DevOps sign-in needs it: the v2.0 token endpoint of each tenant
// (client credentials with a client secret, or with a client assertion signed by a registered certificate), issuing
// RS256-signed access tokens for Azure DevOps that expire; and the check the Azure DevOps emulator runs on a Bearer
// token (signature, audience, expiry, membership of the identity in the organization).
//
// Sources: Microsoft identity platform, "OAuth 2.0 client credentials flow" (token request, error response shape,
// AADSTS codes), "Microsoft identity platform application authentication certificate credentials" (assertion header
// x5t, claims aud/iss/sub/jti/nbf/exp, at most ten minutes), "Access tokens" (claims aud/iss/tid/oid/appid/exp), and
// Azure DevOps' "Use service principals & managed identities" (resource 499b84ac-1321-427f-aa17-267ca6975798, the
// identity must be added to each organization; Azure DevOps Server does not take Entra tokens).
import {
	createHash,
	createVerify,
	generateKeyPairSync,
	randomUUID,
	createSign,
	X509Certificate,
	type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

import type { BearerVerifier } from './emulator';

export const AZURE_DEVOPS_RESOURCE = '499b84ac-1321-427f-aa17-267ca6975798';
const AZURE_DEVOPS_SCOPE = `${AZURE_DEVOPS_RESOURCE}/.default`;

export interface EntraAppSeed {
	tenantId: string;
	clientId: string;
	/** Display name of the service principal, as Azure DevOps shows the identity. */
	name?: string;
	clientSecret?: string;
	/** PEM certificate whose key may sign client assertions. */
	certificate?: string;
	/** Organizations (by name, case-insensitive) the service principal was added to. */
	organizations?: string[];
	/** Redirect URIs of an app used for delegated sign-in (authorization code). */
	redirectUris?: string[];
}

/** A person who signs in through the authorization code flow (the emulator signs in the first one, or `signInAs`). */
export interface EntraUserSeed {
	tenantId: string;
	name: string;
	organizations?: string[];
}

/** The managed identity of the Azure resource n8n runs on, as the metadata service and App Service hand it out. */
export interface ManagedIdentitySeed {
	clientId: string;
	tenantId: string;
	/** The resource's own (system-assigned) identity, used when a request names no client_id. */
	systemAssigned?: boolean;
	name?: string;
	organizations?: string[];
}

export interface EntraOptions {
	apps?: EntraAppSeed[];
	users?: EntraUserSeed[];
	managedIdentities?: ManagedIdentitySeed[];
	/** App Service's X-IDENTITY-HEADER value (IDENTITY_HEADER in the app's environment). */
	identityHeader?: string;
	/** Lifetime of issued access tokens, seconds. Default 3599, as Microsoft issues them. */
	tokenLifetimeSeconds?: number;
}

/** One call of the token endpoint: who asked and how it went; never a secret, an assertion or a token. */
export interface TokenRequestRecord {
	at: number;
	tenant: string;
	clientId: string;
	grant: string;
	method: 'clientSecret' | 'certificate' | 'none' | 'imds' | 'appService' | 'authorize' | 'pkce' | 'refresh';
	status: number;
	error?: string;
}

interface App {
	managed?: { systemAssigned: boolean };
	user?: boolean;
	redirectUris?: string[];
	tenantId: string;
	clientId: string;
	objectId: string;
	name: string;
	clientSecret?: string;
	certificate?: { thumbprint: string; publicKey: KeyObject };
	organizations: Set<string>;
}

function base64url(value: object): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function stableGuid(seed: string): string {
	const hex = createHash('sha256').update(seed).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class EntraEmulator {
	/** Every token request, in order. */
	readonly requests: TokenRequestRecord[] = [];
	private server?: http.Server;
	private readonly apps: App[] = [];
	private readonly signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
	private readonly keyId = randomUUID();
	private readonly seenAssertions = new Set<string>();
	private readonly issuedTokens: string[] = [];
	private readonly codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; user: App }>();
	private readonly refreshTokens = new Map<string, { clientId: string; user: App }>();
	private signedIn?: App;
	private offsetMs = 0;
	tokenLifetimeSeconds: number;
	identityHeader: string;

	constructor(options: EntraOptions = {}) {
		this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
		this.identityHeader = options.identityHeader ?? randomUUID();
		for (const app of options.apps ?? []) this.registerApp(app);
		for (const user of options.users ?? []) {
			const record = this.registerApp({ tenantId: user.tenantId, clientId: `user:${user.name}`, name: user.name, organizations: user.organizations });
			record.user = true;
			this.signedIn ??= record;
		}
		for (const identity of options.managedIdentities ?? []) {
			const app = this.registerApp({ ...identity, name: identity.name ?? `Managed identity ${identity.clientId.slice(0, 8)}` });
			app.managed = { systemAssigned: identity.systemAssigned === true };
		}
	}

	/** The metadata service's token endpoint on this emulator (a credential's Metadata Endpoint). */
	get imdsEndpoint(): string {
		return `${this.url}/metadata/identity/oauth2/token`;
	}

	/** App Service's identity endpoint on this emulator (IDENTITY_ENDPOINT). */
	get identityEndpoint(): string {
		return `${this.url}/msi/token`;
	}

	/** The authority host to put into a credential: http://127.0.0.1:port. */
	get url(): string {
		const address = this.server?.address() as AddressInfo | null;
		if (!address) throw new Error('The Entra emulator is not listening');
		return `http://127.0.0.1:${address.port}`;
	}

	/** Milliseconds since the epoch, as this emulator sees it (see `advance`). */
	now(): number {
		return Date.now() + this.offsetMs;
	}

	/** Moves this emulator's clock (and so the expiry of the tokens it issued) forward. */
	advance(ms: number): void {
		this.offsetMs += ms;
	}

	registerApp(seed: EntraAppSeed): App {
		const app: App = {
			tenantId: seed.tenantId.toLowerCase(),
			clientId: seed.clientId.toLowerCase(),
			objectId: stableGuid(`sp:${seed.tenantId}:${seed.clientId}`),
			name: seed.name ?? `Service principal ${seed.clientId.slice(0, 8)}`,
			clientSecret: seed.clientSecret,
			redirectUris: seed.redirectUris,
			organizations: new Set((seed.organizations ?? []).map((o) => o.toLowerCase())),
		};
		if (seed.certificate) {
			const certificate = new X509Certificate(seed.certificate);
			app.certificate = {
				thumbprint: Buffer.from(certificate.fingerprint.replace(/:/g, ''), 'hex').toString('base64url'),
				publicKey: certificate.publicKey,
			};
		}
		this.apps.push(app);
		return app;
	}

	/** Who the authorization endpoint signs in from now on (a user seeded in `users`). */
	signInAs(name: string): void {
		const user = this.apps.find((a) => a.user && a.name === name);
		if (!user) throw new Error(`No user ${name}`);
		this.signedIn = user;
	}

	/** Revokes every refresh token (as when a user's sessions are revoked or consent is withdrawn). */
	revokeRefreshTokens(): void {
		this.refreshTokens.clear();
	}

	/** Adds the app's service principal to an organization, or removes it. */
	setMembership(clientId: string, organization: string, member: boolean): void {
		const app = this.apps.find((a) => a.clientId === clientId.toLowerCase());
		if (!app) throw new Error(`No app ${clientId}`);
		if (member) app.organizations.add(organization.toLowerCase());
		else app.organizations.delete(organization.toLowerCase());
	}

	/** Tokens issued so far (successful token requests). */
	get issued(): number {
		return this.requests.filter((r) => r.status === 200).length;
	}

	async listen(port = 0): Promise<void> {
		this.server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const reply = this.handle(req, Buffer.concat(chunks).toString('utf8')) as { status: number; body: object; headers?: Record<string, string> };
				const payload = JSON.stringify(reply.body);
				res.writeHead(reply.status, {
					...reply.headers,
					'Content-Type': 'application/json; charset=utf-8',
					'Cache-Control': 'no-store, no-cache',
					'Content-Length': Buffer.byteLength(payload),
				});
				res.end(payload);
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
	}

	async close(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	// ------------------------------------------------------------------ the token endpoint

	private handle(req: http.IncomingMessage, raw: string): { status: number; body: object } {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname;
		if (req.method === 'GET' && (path === '/metadata/identity/oauth2/token' || path === '/msi/token')) {
			const source = path === '/msi/token' ? 'appService' : 'imds';
			const clientId = (url.searchParams.get('client_id') ?? '').toLowerCase();
			const record: TokenRequestRecord = { at: this.now(), tenant: '', clientId, grant: 'managed_identity', method: source, status: 0 };
			const answer = this.managedIdentityToken(source, req, url.searchParams);
			record.status = answer.status;
			this.requests.push(record);
			return answer;
		}
		const match = /^\/([^/]+)\/oauth2\/v2\.0\/(token|authorize)$/.exec(path);
		if (!match || req.method !== (match[2] === 'authorize' ? 'GET' : 'POST')) {
			return { status: 404, body: { error: 'not_found', error_description: 'AADSTS90027: Not a token endpoint.' } };
		}
		const tenant = decodeURIComponent(match[1]).toLowerCase();
		if (match[2] === 'authorize') {
			const answer = this.authorize(tenant, url.searchParams);
			this.requests.push({ at: this.now(), tenant, clientId: (url.searchParams.get('client_id') ?? '').toLowerCase(), grant: 'authorize', method: 'authorize', status: answer.status });
			return answer;
		}
		const form = new URLSearchParams(raw);
		const clientId = (form.get('client_id') ?? '').toLowerCase();
		const grant = form.get('grant_type') ?? '';
		const record: TokenRequestRecord = { at: this.now(), tenant, clientId, grant, method: 'none', status: 0 };
		const answer = this.tokenFor(tenant, clientId, grant, form, record, req);
		record.status = answer.status;
		if ('error' in answer.body) record.error = String((answer.body as { error: unknown }).error);
		this.requests.push(record);
		return answer;
	}

	private tokenFor(
		tenant: string,
		clientId: string,
		grant: string,
		form: URLSearchParams,
		record: TokenRequestRecord,
		req: http.IncomingMessage,
	): { status: number; body: object } {
		if (!/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) {
			return oauthError(400, 'invalid_request', 900144, "AADSTS900144: The request body must contain the following parameter: 'grant_type'.");
		}
		if (grant === 'authorization_code' || grant === 'refresh_token') return this.delegatedToken(clientId, grant, form, record);
		if (grant !== 'client_credentials') {
			return oauthError(400, 'unsupported_grant_type', 70003, 'AADSTS70003: The app requested an unsupported grant type.');
		}
		if (!this.apps.some((a) => a.tenantId === tenant)) {
			return oauthError(400, 'invalid_request', 90002, `AADSTS90002: Tenant '${tenant}' not found.`);
		}
		const app = this.apps.find((a) => a.tenantId === tenant && a.clientId === clientId);
		if (!app) {
			return oauthError(
				400,
				'unauthorized_client',
				700016,
				`AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`,
			);
		}
		if (form.get('scope') !== AZURE_DEVOPS_SCOPE) {
			return oauthError(400, 'invalid_scope', 1002012, 'AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.');
		}
		const secret = form.get('client_secret');
		const assertion = form.get('client_assertion');
		if (secret !== null) {
			record.method = 'clientSecret';
			if (!app.clientSecret || secret !== app.clientSecret) {
				return oauthError(401, 'invalid_client', 7000215, 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
			}
		} else if (assertion !== null) {
			record.method = 'certificate';
			const fault = this.checkAssertion(app, tenant, assertion, form.get('client_assertion_type'), req);
			if (fault) return fault;
		} else {
			return oauthError(401, 'invalid_client', 7000218, "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		}
		return { status: 200, body: { token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds, ext_expires_in: this.tokenLifetimeSeconds, access_token: this.issue(app) } };
	}

	// Sources: Azure "How to use managed identities for Azure resources on an Azure VM to acquire an access token" (IMDS:
	// api-version 2018-02-01, Metadata: true, resource, client_id; expires_in/expires_on as strings) and App Service
	// "Managed identities - REST endpoint reference" (IDENTITY_ENDPOINT, X-IDENTITY-HEADER, api-version 2019-08-01).
	private managedIdentityToken(
		source: 'imds' | 'appService',
		req: http.IncomingMessage,
		query: URLSearchParams,
	): { status: number; body: object } {
		if (source === 'imds' && req.headers.metadata !== 'true') {
			return { status: 400, body: { error: 'invalid_request', error_description: 'Required metadata header not specified' } };
		}
		if (source === 'appService' && req.headers['x-identity-header'] !== this.identityHeader) {
			return { status: 401, body: { statusCode: 401, message: 'Unauthorized request: the X-IDENTITY-HEADER is missing or wrong.' } };
		}
		const version = query.get('api-version');
		if (version !== (source === 'imds' ? '2018-02-01' : '2019-08-01')) {
			return { status: 400, body: { error: 'invalid_request', error_description: `Unsupported api-version '${version ?? ''}'` } };
		}
		if (query.get('resource') !== AZURE_DEVOPS_RESOURCE) {
			return { status: 400, body: { error: 'invalid_resource', error_description: 'AADSTS500011: The resource principal was not found in the tenant.' } };
		}
		const clientId = (query.get('client_id') ?? '').toLowerCase();
		const identity = this.apps.find((a) => a.managed && (clientId ? a.clientId === clientId : a.managed.systemAssigned));
		if (!identity) {
			return { status: 400, body: { error: 'invalid_request', error_description: 'Identity not found' } };
		}
		const token = this.issue(identity);
		const expiresOn = Math.floor(this.now() / 1000) + this.tokenLifetimeSeconds;
		return source === 'imds'
			? {
					status: 200,
					body: { access_token: token, refresh_token: '', expires_in: String(this.tokenLifetimeSeconds), expires_on: String(expiresOn), not_before: String(expiresOn - this.tokenLifetimeSeconds), resource: AZURE_DEVOPS_RESOURCE, token_type: 'Bearer' },
				}
			: { status: 200, body: { access_token: token, expires_on: expiresOn, resource: AZURE_DEVOPS_RESOURCE, token_type: 'Bearer', client_id: identity.clientId } };
	}

	// Sources: Microsoft identity platform, "OAuth 2.0 authorization code flow" (authorize parameters, PKCE with S256,
	// the code redemption and refresh_token grants, offline_access for a refresh token).
	private authorize(tenant: string, query: URLSearchParams): { status: number; body: object; headers?: Record<string, string> } {
		const clientId = (query.get('client_id') ?? '').toLowerCase();
		const app = this.apps.find((a) => a.clientId === clientId && !a.user && !a.managed);
		const redirectUri = query.get('redirect_uri') ?? '';
		if (!app) return oauthError(400, 'unauthorized_client', 700016, `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`);
		if (!(app.redirectUris ?? []).some((uri) => uri === redirectUri || (uri.endsWith('*') && redirectUri.startsWith(uri.slice(0, -1))))) {
			return oauthError(400, 'invalid_request', 50011, `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application.`);
		}
		const user = this.signedIn;
		if (!user || !['organizations', 'common', user.tenantId].includes(tenant)) {
			return oauthError(400, 'invalid_request', 90002, `AADSTS90002: Tenant '${tenant}' not found.`);
		}
		const fail = (error: string, description: string) => ({ status: 302, body: {}, headers: { Location: `${redirectUri}?${new URLSearchParams({ error, error_description: description, state: query.get('state') ?? '' }).toString()}` } });
		if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'AADSTS70005: response_type must be code.');
		const scopes = (query.get('scope') ?? '').split(' ');
		if (!scopes.some((scope) => scope === `${AZURE_DEVOPS_RESOURCE}/user_impersonation` || scope === AZURE_DEVOPS_SCOPE)) {
			return fail('invalid_scope', 'AADSTS70011: The provided value for the input parameter \'scope\' is not valid for Azure DevOps.');
		}
		const challenge = query.get('code_challenge') ?? '';
		if (challenge === '' || query.get('code_challenge_method') !== 'S256') {
			return fail('invalid_request', 'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.');
		}
		const code = randomUUID();
		this.codes.set(code, { clientId, redirectUri, challenge, user });
		return { status: 302, body: {}, headers: { Location: `${redirectUri}?${new URLSearchParams({ code, state: query.get('state') ?? '' }).toString()}` } };
	}

	private delegatedToken(clientId: string, grant: string, form: URLSearchParams, record: TokenRequestRecord): { status: number; body: object } {
		const app = this.apps.find((a) => a.clientId === clientId && !a.user && !a.managed);
		if (!app) return oauthError(400, 'unauthorized_client', 700016, `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`);
		if (app.clientSecret && form.get('client_secret') !== app.clientSecret) {
			return oauthError(401, 'invalid_client', 7000215, 'AADSTS7000215: Invalid client secret provided.');
		}
		let user: App;
		if (grant === 'authorization_code') {
			record.method = 'pkce';
			const code = this.codes.get(form.get('code') ?? '');
			if (!code || code.clientId !== clientId) return oauthError(400, 'invalid_grant', 70008, 'AADSTS70008: The provided authorization code or refresh token has expired or was already used.');
			this.codes.delete(form.get('code') ?? '');
			if (code.redirectUri !== form.get('redirect_uri')) return oauthError(400, 'invalid_grant', 50011, 'AADSTS50011: The redirect URI does not match the one the code was issued for.');
			const verifier = form.get('code_verifier') ?? '';
			if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) {
				return oauthError(400, 'invalid_grant', 50148, 'AADSTS50148: The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.');
			}
			user = code.user;
		} else {
			record.method = 'refresh';
			const known = this.refreshTokens.get(form.get('refresh_token') ?? '');
			if (!known || known.clientId !== clientId) return oauthError(400, 'invalid_grant', 70008, 'AADSTS70008: The provided authorization code or refresh token has expired or was already used.');
			user = known.user;
		}
		const refreshToken = randomUUID() + randomUUID();
		this.refreshTokens.set(refreshToken, { clientId, user });
		return {
			status: 200,
			body: {
				token_type: 'Bearer',
				scope: `${AZURE_DEVOPS_RESOURCE}/user_impersonation`,
				expires_in: this.tokenLifetimeSeconds,
				ext_expires_in: this.tokenLifetimeSeconds,
				access_token: this.issue(user, clientId),
				refresh_token: refreshToken,
			},
		};
	}

	private checkAssertion(
		app: App,
		tenant: string,
		assertion: string,
		type: string | null,
		req: http.IncomingMessage,
	): { status: number; body: object } | undefined {
		if (type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
			return oauthError(400, 'invalid_request', 50027, 'AADSTS50027: JWT token is invalid or malformed.');
		}
		const parts = assertion.split('.');
		if (parts.length !== 3) return oauthError(400, 'invalid_request', 50027, 'AADSTS50027: JWT token is invalid or malformed.');
		let header: Record<string, unknown>;
		let claims: Record<string, unknown>;
		try {
			header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
			claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
		} catch {
			return oauthError(400, 'invalid_request', 50027, 'AADSTS50027: JWT token is invalid or malformed.');
		}
		if (!app.certificate || header.x5t !== app.certificate.thumbprint) {
			return oauthError(401, 'invalid_client', 700027, `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(header.x5t)}']`);
		}
		const verifier = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`);
		if (header.alg !== 'RS256' || !verifier.verify(app.certificate.publicKey, Buffer.from(parts[2], 'base64url'))) {
			return oauthError(401, 'invalid_client', 7000274, 'AADSTS7000274: Key was found, but use of the key to verify the signature failed.');
		}
		const host = req.headers.host ?? '';
		const audience = `http://${host}/${tenant}/oauth2/v2.0/token`;
		if (String(claims.aud).toLowerCase() !== audience.toLowerCase()) {
			return oauthError(401, 'invalid_client', 700212, `AADSTS700212: No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`);
		}
		if (claims.iss !== claims.sub || String(claims.sub).toLowerCase() !== app.clientId) {
			return oauthError(401, 'invalid_client', 700021, 'AADSTS700021: Client assertion application identifier doesn\'t match \'client_id\' parameter.');
		}
		const now = Math.floor(this.now() / 1000);
		const exp = Number(claims.exp);
		const nbf = Number(claims.nbf);
		if (!Number.isFinite(exp) || exp <= now || (Number.isFinite(nbf) && nbf > now + 300) || exp - (Number.isFinite(nbf) ? nbf : now) > 600) {
			return oauthError(401, 'invalid_client', 700024, 'AADSTS700024: Client assertion is not within its valid time range.');
		}
		const jti = String(claims.jti ?? '');
		if (jti === '' || this.seenAssertions.has(jti)) {
			return oauthError(401, 'invalid_client', 700025, 'AADSTS700025: Client assertion has already been used (replayed jti).');
		}
		this.seenAssertions.add(jti);
		return undefined;
	}

	private issue(app: App, appid = app.clientId): string {
		const now = Math.floor(this.now() / 1000);
		const header = { typ: 'JWT', alg: 'RS256', kid: this.keyId };
		const claims = {
			aud: AZURE_DEVOPS_RESOURCE,
			iss: `https://sts.windows.net/${app.tenantId}/`,
			iat: now,
			nbf: now,
			exp: now + this.tokenLifetimeSeconds,
			appid,
			oid: app.objectId,
			sub: app.objectId,
			tid: app.tenantId,
			uti: randomUUID(),
		};
		const input = `${base64url(header)}.${base64url(claims)}`;
		const signature = createSign('RSA-SHA256').update(input).sign(this.signingKey.privateKey).toString('base64url');
		this.issuedTokens.push(`${input}.${signature}`);
		return `${input}.${signature}`;
	}

	/** Every access token issued so far (for leak scans in tests; the emulator records no token anywhere else). */
	tokens(): readonly string[] {
		return this.issuedTokens;
	}

	/** Issues a token with chosen claims (tests of the Azure DevOps side: wrong audience, foreign issuer...). */
	issueRaw(claims: Record<string, unknown>): string {
		const input = `${base64url({ typ: 'JWT', alg: 'RS256', kid: this.keyId })}.${base64url(claims)}`;
		return `${input}.${createSign('RSA-SHA256').update(input).sign(this.signingKey.privateKey).toString('base64url')}`;
	}

	// ------------------------------------------------------------------ what Azure DevOps checks

	/** The Bearer check the Azure DevOps emulator runs (pass as its `bearer` option). */
	readonly verifier: BearerVerifier = (token, organization) => {
		const challenge = (error: string) =>
			`Bearer authorization_uri="${this.server ? this.url : 'http://127.0.0.1'}/common", error="invalid_token", error_description="${error}"`;
		if (organization.hosting === 'server') {
			// Azure DevOps Server knows nothing of Entra tokens: to it, this is an unknown credential.
			return { ok: false, reason: 'server' };
		}
		const parts = token.split('.');
		if (parts.length !== 3) return { ok: false, reason: 'unknown', challenge: challenge('The token is not a JWT') };
		const verifier = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`);
		if (!verifier.verify(this.signingKey.publicKey, Buffer.from(parts[2], 'base64url'))) {
			return { ok: false, reason: 'unknown', challenge: challenge('The token signature is invalid') };
		}
		const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
		if (claims.aud !== AZURE_DEVOPS_RESOURCE && claims.aud !== `api://${AZURE_DEVOPS_RESOURCE}`) {
			return { ok: false, reason: 'audience', challenge: challenge('The token audience is not Azure DevOps') };
		}
		if (!(Number(claims.exp) * 1000 > this.now())) {
			return { ok: false, reason: 'expired', challenge: challenge('The token is expired') };
		}
		const app = this.apps.find((a) => a.objectId === claims.oid && a.tenantId === claims.tid);
		if (!app) return { ok: false, reason: 'unknown', challenge: challenge('The identity is unknown') };
		if (!app.organizations.has(organization.name.toLowerCase())) {
			return { ok: false, reason: 'not-member' };
		}
		if (app.user) return { ok: true, label: `${organization.name}#user:${app.name}`, user: `${app.name} <${app.name.toLowerCase().replace(/\s+/g, '.')}@${app.tenantId}>` };
		return { ok: true, label: `${organization.name}#sp:${app.clientId}`, user: `${app.name} <${app.clientId}@${app.tenantId}>` };
	};
}

function oauthError(status: number, error: string, code: number, description: string): { status: number; body: object } {
	const traceId = randomUUID();
	return {
		status,
		body: {
			error,
			error_description: `${description} Trace ID: ${traceId} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
			error_codes: [code],
			timestamp: new Date().toISOString(),
			trace_id: traceId,
			correlation_id: randomUUID(),
		},
	};
}

/** Starts a fake Microsoft Entra ID on 127.0.0.1. */
export async function startEntra(options: EntraOptions = {}): Promise<EntraEmulator> {
	const entra = new EntraEmulator(options);
	await entra.listen();
	return entra;
}

/** A self-signed test certificate and its private key, PEM (test/fixtures/entra; `other` is registered nowhere). */
export function testCertificate(name: 'service-principal' | 'other' = 'service-principal'): { certificate: string; privateKey: string } {
	const dir = path.join(__dirname, '..', 'fixtures', 'entra');
	return {
		certificate: fs.readFileSync(path.join(dir, `${name}.cert.pem`), 'utf8'),
		privateKey: fs.readFileSync(path.join(dir, `${name}.key.pem`), 'utf8'),
	};
}
