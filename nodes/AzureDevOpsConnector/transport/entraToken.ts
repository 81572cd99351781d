/**
 * Microsoft Entra ID sign-in for Azure DevOps Services: what a service principal sends to the token endpoint (a
 * client secret, or a client assertion signed with its certificate), how the answer is read, and the process's cache
 * of tokens per credential. No n8n imports: the HTTP call itself is made by whoever holds n8n's helpers.
 */
import { createHash, createPrivateKey, createSign, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';

import { parseAzureDevOpsUrl } from '../connector/azureDevOpsUrl';
import { ConnectorError } from '../connector/errors';
import { splitOrganizationList } from '../connector/organizationTokens';

/** Azure DevOps' application id in Microsoft Entra ID: the resource every token must be issued for. */
export const AZURE_DEVOPS_RESOURCE = '499b84ac-1321-427f-aa17-267ca6975798';
export const AZURE_DEVOPS_SCOPE = `${AZURE_DEVOPS_RESOURCE}/.default`;
export const PUBLIC_CLOUD_AUTHORITY = 'https://login.microsoftonline.com';
/** A cached token is renewed this long before it expires, so no request leaves with a token about to lapse. */
export const EXPIRY_MARGIN_MS = 5 * 60_000;
/** How long a signed client assertion is valid (Microsoft accepts up to ten minutes). */
const ASSERTION_LIFETIME_S = 600;

export type EntraCredentialType = 'azureDevOpsServicePrincipalApi' | 'azureDevOpsManagedIdentityApi';

/** Whether a credential type signs in through Microsoft Entra ID (a Bearer token fetched before use). */
export function isEntraCredentialType(type: string): type is EntraCredentialType {
	return type === 'azureDevOpsServicePrincipalApi' || type === 'azureDevOpsManagedIdentityApi';
}

export type ServicePrincipalSecret =
	| { kind: 'clientSecret'; clientSecret: string }
	| { kind: 'certificate'; privateKey: KeyObject; thumbprint: string };

export interface ServicePrincipal {
	/** Scheme and host of the sign-in service, no trailing slash. */
	authorityHost: string;
	tenantId: string;
	clientId: string;
	secret: ServicePrincipalSecret;
}

export interface EntraToken {
	token: string;
	/** Milliseconds since the epoch. */
	expiresAt: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

/** The authority host as scheme and host (https; http only on loopback with Allow HTTP on). */
export function readAuthorityHost(value: unknown, allowHttp: boolean): string {
	const raw = text(value) || PUBLIC_CLOUD_AUTHORITY;
	const url = urlOf(raw);
	if (!url) {
		throw new ConnectorError('entraCredentialIncomplete', `"${raw}" is not a URL.`, {
			field: 'Authority Host',
			fix: 'Use https://login.microsoftonline.com (public cloud), https://login.microsoftonline.us (US Government) or https://login.chinacloudapi.cn (China).',
		});
	}
	const loopback = LOOPBACK.has(url.hostname.toLowerCase());
	if (!(url.protocol === 'https:' || (url.protocol === 'http:' && allowHttp && loopback))) {
		throw new ConnectorError('urlNotHttps', `"${raw}" is not an https URL.`, { field: 'Authority Host' });
	}
	if (url.username || url.password || url.search || (url.pathname !== '/' && url.pathname !== '')) {
		throw new ConnectorError('entraCredentialIncomplete', `"${raw}" has more than a scheme and host.`, {
			field: 'Authority Host',
			fix: 'Give the host only, e.g. https://login.microsoftonline.com; the tenant is its own field.',
		});
	}
	return `${url.protocol}//${url.host}`;
}

function urlOf(raw: string): URL | undefined {
	try {
		return new URL(raw);
	} catch {
		return undefined;
	}
}

function readTenant(value: unknown): string {
	const tenant = text(value);
	if (!GUID.test(tenant) && !TENANT_DOMAIN.test(tenant)) {
		throw new ConnectorError(
			'entraCredentialIncomplete',
			tenant === '' ? 'The tenant ID is empty.' : 'The tenant ID is neither a GUID nor a domain name.',
			{ field: 'Tenant ID' },
		);
	}
	return tenant;
}

function readClientId(value: unknown): string {
	const clientId = text(value);
	if (!GUID.test(clientId)) {
		throw new ConnectorError(
			'entraCredentialIncomplete',
			clientId === '' ? 'The client ID is empty.' : 'The client ID is not a GUID.',
			{ field: 'Client ID' },
		);
	}
	return clientId;
}

/** The certificate's SHA-1 thumbprint, base64url (the JWT `x5t` header), after checking it belongs to the key. */
function certificateThumbprint(certificatePem: string, privateKey: KeyObject): string {
	const certificate = attempt(() => new X509Certificate(certificatePem));
	if (!certificate) {
		throw new ConnectorError('entraCredentialIncomplete', 'The certificate is not a PEM certificate.', {
			field: 'Certificate',
			fix: 'Paste the certificate uploaded to the app registration, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.',
		});
	}
	if (!certificate.checkPrivateKey(privateKey)) {
		throw new ConnectorError('entraCredentialIncomplete', 'The private key does not belong to the certificate.', {
			field: 'Private Key',
		});
	}
	return Buffer.from(certificate.fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
}

/** The value `make` returns, or undefined when it throws (parsers of user input). */
function attempt<T>(make: () => T): T | undefined {
	try {
		return make();
	} catch {
		return undefined;
	}
}

function readPrivateKey(pem: string): KeyObject {
	const key = attempt(() => createPrivateKey(pem));
	if (key?.asymmetricKeyType !== 'rsa') {
		throw new ConnectorError('entraCredentialIncomplete', 'The private key is not an unencrypted PEM RSA key.', {
			field: 'Private Key',
			fix: 'Paste the certificate\'s RSA private key without a passphrase, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----.',
		});
	}
	return key;
}

/** Reads a service principal credential's fields; throws a coded fault naming the field that is wrong. */
export function readServicePrincipal(data: Record<string, unknown>): ServicePrincipal {
	const authorityHost = readAuthorityHost(data.authorityHost, data.allowHttp === true);
	const tenantId = readTenant(data.tenantId);
	const clientId = readClientId(data.clientId);
	if (data.authMethod === 'certificate') {
		const privateKey = readPrivateKey(text(data.privateKey));
		const thumbprint = certificateThumbprint(text(data.certificate), privateKey);
		return { authorityHost, tenantId, clientId, secret: { kind: 'certificate', privateKey, thumbprint } };
	}
	const clientSecret = text(data.clientSecret);
	if (clientSecret === '') {
		throw new ConnectorError('entraCredentialIncomplete', 'The client secret is empty.', { field: 'Client Secret' });
	}
	return { authorityHost, tenantId, clientId, secret: { kind: 'clientSecret', clientSecret } };
}

/** The v2.0 token endpoint of the principal's tenant. */
export function tokenEndpoint(principal: Pick<ServicePrincipal, 'authorityHost' | 'tenantId'>): string {
	return `${principal.authorityHost}/${encodeURIComponent(principal.tenantId)}/oauth2/v2.0/token`;
}

/** A client assertion: a JWT signed with the certificate's key (RS256), naming the certificate by its thumbprint. */
export function signClientAssertion(
	principal: ServicePrincipal & { secret: { kind: 'certificate' } },
	nowMs: number,
): string {
	const now = Math.floor(nowMs / 1000);
	const header = { alg: 'RS256', typ: 'JWT', x5t: principal.secret.thumbprint };
	const claims = {
		aud: tokenEndpoint(principal),
		iss: principal.clientId,
		sub: principal.clientId,
		jti: randomUUID(),
		nbf: now,
		iat: now,
		exp: now + ASSERTION_LIFETIME_S,
	};
	const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
	const signingInput = `${encode(header)}.${encode(claims)}`;
	const signature = createSign('RSA-SHA256').update(signingInput).sign(principal.secret.privateKey);
	return `${signingInput}.${signature.toString('base64url')}`;
}

/** The form a service principal posts to the token endpoint (client credentials grant). */
export function clientCredentialsForm(principal: ServicePrincipal, nowMs: number): string {
	const form = new URLSearchParams({
		client_id: principal.clientId,
		scope: AZURE_DEVOPS_SCOPE,
		grant_type: 'client_credentials',
	});
	if (principal.secret.kind === 'clientSecret') {
		form.set('client_secret', principal.secret.clientSecret);
	} else {
		form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
		form.set('client_assertion', signClientAssertion(principal as ServicePrincipal & { secret: { kind: 'certificate' } }, nowMs));
	}
	return form.toString();
}

/**
 * The token in a token endpoint's answer, or a coded fault with Microsoft's reason (its AADSTS code and first
 * sentence; never the request, which holds the secret).
 */
export function readTokenAnswer(status: number, body: unknown, nowMs: number): EntraToken {
	const answer = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
	if (status >= 200 && status < 300) {
		const token = answer.access_token;
		const expiresIn = Number(answer.expires_in);
		if (typeof token === 'string' && token !== '' && Number.isFinite(expiresIn) && expiresIn > 0) {
			return { token, expiresAt: nowMs + expiresIn * 1000 };
		}
		throw new ConnectorError('entraUnreachable', `The token endpoint answered ${status} without an access token.`);
	}
	if (typeof answer.error === 'string') {
		const description = typeof answer.error_description === 'string' ? answer.error_description : '';
		const firstSentence = /^(AADSTS\d+:[^.\r\n]*\.?)/.exec(description)?.[1] ?? '';
		const reason = firstSentence.slice(0, 300);
		throw new ConnectorError(
			'entraSignInRefused',
			`Microsoft Entra ID answered ${status} (${answer.error})${reason ? `: ${reason}` : '.'}`,
		);
	}
	throw new ConnectorError('entraUnreachable', `The token endpoint answered ${status || 'nothing'}, not a token or an OAuth error.`);
}

/**
 * The organizations a Bearer-token credential lists: Azure DevOps Services only (Server has no Entra sign-in).
 */
export function entraOrganizations(organizations: unknown, allowHttp: boolean): string[] {
	const urls = splitOrganizationList(typeof organizations === 'string' ? organizations : '');
	if (urls.length === 0) {
		throw new ConnectorError('entraCredentialIncomplete', 'No organization URL is listed.', { field: 'Organizations' });
	}
	const seen = new Set<string>();
	return urls.map((url, index) => {
		const field = `Organizations (line ${index + 1})`;
		const location = parseAzureDevOpsUrl(url, { allowHttp, field, asOrganization: true });
		if (location.hosting === 'server' && !isLoopbackServices(url, allowHttp)) {
			throw new ConnectorError('entraTokenForServer', `${location.organizationUrl} is an Azure DevOps Server collection.`, {
				field,
			});
		}
		if (seen.has(location.organizationUrl.toLowerCase())) {
			throw new ConnectorError('credentialOrganizationDuplicate', `${location.organizationUrl} is listed twice.`, {
				field: 'Organizations',
			});
		}
		seen.add(location.organizationUrl.toLowerCase());
		return location.organizationUrl;
	});
}

/**
 * A local stand-in of Azure DevOps Services (the bundled emulator on http://127.0.0.1) looks like a Server collection by
 * its host; with Allow HTTP on, a loopback organization is taken as Services (the emulator refuses Entra tokens on its
 * Server collections itself, as the real servers do).
 */
function isLoopbackServices(url: string, allowHttp: boolean): boolean {
	if (!allowHttp) return false;
	try {
		return LOOPBACK.has(new URL(url).hostname.toLowerCase());
	} catch {
		return false;
	}
}

/** A key naming one credential's identity and secret in the token cache (a hash: the secret is never kept as text). */
export function tokenCacheKey(type: string, data: Record<string, unknown>): string {
	const parts = [type, text(data.authorityHost) || PUBLIC_CLOUD_AUTHORITY, text(data.tenantId), text(data.clientId)];
	parts.push(text(data.authMethod), text(data.clientSecret), text(data.privateKey), text(data.certificate));
	parts.push(text(data.source), text(data.imdsEndpoint), text(data.identityEndpoint), text(data.identityHeader));
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export interface Clock {
	now(): number;
}

const systemClock: Clock = { now: () => Date.now() };
const MAX_CACHED_CREDENTIALS = 200;

/**
 * Tokens per credential, kept in this process until shortly before they expire. Concurrent requests for the same
 * credential share one fetch; a token Azure DevOps refused is forgotten so that the next request fetches a new one.
 */
export class TokenCache {
	private readonly entries = new Map<string, EntraToken>();
	private readonly pending = new Map<string, Promise<EntraToken>>();

	constructor(
		private clock: Clock = systemClock,
		private readonly marginMs = EXPIRY_MARGIN_MS,
	) {}

	now(): number {
		return this.clock.now();
	}

	/** Whether a token expiring at `expiresAt` is still good to send (outside the renewal margin). */
	isFresh(expiresAt: number): boolean {
		return Number.isFinite(expiresAt) && this.clock.now() + this.marginMs < expiresAt;
	}

	/** The cached token of a credential while it is fresh. */
	fresh(key: string): EntraToken | undefined {
		const entry = this.entries.get(key);
		if (entry && this.isFresh(entry.expiresAt)) return entry;
		if (entry) this.entries.delete(key);
		return undefined;
	}

	remember(key: string, token: EntraToken): void {
		if (!this.isFresh(token.expiresAt)) return;
		this.entries.delete(key);
		this.entries.set(key, token);
		while (this.entries.size > MAX_CACHED_CREDENTIALS) {
			const oldest = this.entries.keys().next().value as string;
			this.entries.delete(oldest);
		}
	}

	/** Forgets a credential's token, only if it is still the one given (a newer token fetched meanwhile stays). */
	forget(key: string, token: string): void {
		if (this.entries.get(key)?.token === token) this.entries.delete(key);
	}

	/** The fresh cached token, or the result of one fetch shared by everyone who asks meanwhile. */
	async obtain(key: string, fetch: () => Promise<EntraToken>): Promise<EntraToken> {
		const cached = this.fresh(key);
		if (cached) return cached;
		let pending = this.pending.get(key);
		if (!pending) {
			pending = fetch().then(
				(token) => {
					this.pending.delete(key);
					this.remember(key, token);
					return token;
				},
				(error: unknown) => {
					this.pending.delete(key);
					throw error;
				},
			);
			this.pending.set(key, pending);
		}
		return await pending;
	}

	/** Replaces the clock (tests); returns a function that restores the previous one. */
	useClock(clock: Clock): () => void {
		const previous = this.clock;
		this.clock = clock;
		return () => {
			this.clock = previous;
		};
	}

	clear(): void {
		this.entries.clear();
		this.pending.clear();
	}
}

/** The process's token cache, shared by the credentials' sign-in and the client. */
export const entraTokens = new TokenCache();

/** Posts a form to a token endpoint and gives back status and parsed body (n8n's helpers, in the caller). */
export type TokenPost = (url: string, form: string) => Promise<{ status: number; body: unknown }>;

/**
 * A service principal's token: the cached one while fresh, else one fetch from its tenant's token endpoint shared by
 * every concurrent caller. A failure names the reason, never the secret or the request.
 */
export async function servicePrincipalToken(
	data: Record<string, unknown>,
	post: TokenPost,
	cache: TokenCache = entraTokens,
): Promise<EntraToken> {
	const principal = readServicePrincipal(data);
	const key = tokenCacheKey('azureDevOpsServicePrincipalApi', data);
	return await cache.obtain(key, async () => {
		const now = cache.now();
		const form = clientCredentialsForm(principal, now);
		// The error of an HTTP client may quote the request, and the request holds the secret: only its code is kept.
		const answer = await post(tokenEndpoint(principal), form).catch((error: unknown) => {
			const code = (error as { code?: unknown } | undefined)?.code;
			return { failed: typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? ` (${code})` : '' };
		});
		if ('failed' in answer) {
			throw new ConnectorError('entraUnreachable', `No answer from ${principal.authorityHost}${answer.failed}.`);
		}
		return readTokenAnswer(answer.status, answer.body, now);
	});
}

// ---------------------------------------------------------------- managed identity

/** The instance metadata service's token endpoint, as Azure's SDKs call it (VMs, scale sets, AKS, Container Instances). */
export const IMDS_TOKEN_ENDPOINT = 'http://169.254.169.254/metadata/identity/oauth2/token';
const IMDS_HOST = '169.254.169.254';

export interface ManagedIdentity {
	source: 'imds' | 'appService';
	/** Client ID of a user-assigned identity; undefined for the system-assigned one. */
	clientId?: string;
	/** Token endpoint without query. */
	endpoint: string;
	/** App Service's X-IDENTITY-HEADER value. */
	identityHeader?: string;
}

function readEndpoint(value: unknown, fallback: string, allowHttp: boolean, field: string): string {
	const raw = text(value) || fallback;
	const url = urlOf(raw);
	if (!url || url.search || url.username || url.password) {
		throw new ConnectorError('entraCredentialIncomplete', `"${raw}" is not an endpoint URL.`, { field });
	}
	const host = url.hostname.toLowerCase();
	// The metadata service and App Service's local identity endpoint are plain http by design; anything else needs https.
	const plainHttpByDesign = host === IMDS_HOST || LOOPBACK.has(host) || /^169\.254\.|^127\./.test(host);
	if (url.protocol === 'http:' && !(plainHttpByDesign && (allowHttp || host === IMDS_HOST || field === 'Identity Endpoint'))) {
		throw new ConnectorError('urlNotHttps', `"${raw}" uses http.`, { field });
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new ConnectorError('urlUnparseable', `"${raw}" is not an http(s) URL.`, { field });
	}
	return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Reads a managed identity credential's fields; throws a coded fault naming the field that is wrong. */
export function readManagedIdentity(data: Record<string, unknown>): ManagedIdentity {
	const allowHttp = data.allowHttp === true;
	const clientId = text(data.clientId);
	if (clientId !== '' && !GUID.test(clientId)) {
		throw new ConnectorError('entraCredentialIncomplete', 'The client ID of the user-assigned identity is not a GUID.', {
			field: 'Client ID (User-Assigned Identity)',
		});
	}
	const identity = clientId === '' ? {} : { clientId };
	if (data.source === 'appService') {
		const endpoint = readEndpoint(data.identityEndpoint, '', allowHttp, 'Identity Endpoint');
		const identityHeader = text(data.identityHeader);
		if (identityHeader === '') {
			throw new ConnectorError('entraCredentialIncomplete', 'The identity header is empty.', { field: 'Identity Header' });
		}
		return { source: 'appService', endpoint, identityHeader, ...identity };
	}
	return { source: 'imds', endpoint: readEndpoint(data.imdsEndpoint, IMDS_TOKEN_ENDPOINT, allowHttp, 'Metadata Endpoint'), ...identity };
}

/** The GET a managed identity sends for an Azure DevOps token (the resource, not a scope, in these endpoints' API). */
export function managedIdentityRequest(identity: ManagedIdentity): { url: string; headers: Record<string, string> } {
	const query = new URLSearchParams({
		'api-version': identity.source === 'imds' ? '2018-02-01' : '2019-08-01',
		resource: AZURE_DEVOPS_RESOURCE,
	});
	if (identity.clientId) query.set('client_id', identity.clientId);
	const headers: Record<string, string> =
		identity.source === 'imds' ? { Metadata: 'true' } : { 'X-IDENTITY-HEADER': identity.identityHeader ?? '' };
	return { url: `${identity.endpoint}?${query.toString()}`, headers };
}

/** The token in a managed identity endpoint's answer (`expires_on` in epoch seconds, or `expires_in`), or a coded fault. */
export function readManagedIdentityAnswer(status: number, body: unknown, nowMs: number): EntraToken {
	const answer = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
	if (status >= 200 && status < 300 && typeof answer.access_token === 'string' && answer.access_token !== '') {
		const expiresOn = Number(answer.expires_on);
		const expiresIn = Number(answer.expires_in);
		const expiresAt = Number.isFinite(expiresOn) && expiresOn > 0 ? expiresOn * 1000 : Number.isFinite(expiresIn) ? nowMs + expiresIn * 1000 : NaN;
		if (Number.isFinite(expiresAt)) return { token: answer.access_token, expiresAt };
	}
	const reason =
		typeof answer.error_description === 'string'
			? answer.error_description
			: typeof answer.message === 'string'
				? answer.message
				: typeof answer.error === 'string'
					? answer.error
					: '';
	if (status === 400 || status === 401 || status === 403 || status === 404) {
		throw new ConnectorError(
			'entraSignInRefused',
			`The managed identity endpoint answered ${status}${reason ? `: ${reason.split(/\r?\n/)[0].slice(0, 300)}` : '.'}`,
			{
				fix: 'Check that the identity is enabled on the Azure resource n8n runs on, and for a user-assigned identity that its client ID is right and the identity is assigned to that resource.',
			},
		);
	}
	throw new ConnectorError('entraUnreachable', `The managed identity endpoint answered ${status || 'nothing'} without a token.`, {
		fix: 'Managed identities work only for n8n running on Azure (a VM, App Service, Container Apps, AKS...). Check the Source and the endpoint.',
	});
}

/** Sends a GET with headers and gives back status and parsed body (n8n's helpers, in the caller). */
export type TokenGet = (url: string, headers: Record<string, string>) => Promise<{ status: number; body: unknown }>;

/** A managed identity's token: the cached one while fresh, else one request to the identity endpoint. */
export async function managedIdentityToken(
	data: Record<string, unknown>,
	get: TokenGet,
	cache: TokenCache = entraTokens,
): Promise<EntraToken> {
	const identity = readManagedIdentity(data);
	const key = tokenCacheKey('azureDevOpsManagedIdentityApi', data);
	return await cache.obtain(key, async () => {
		const now = cache.now();
		const { url, headers } = managedIdentityRequest(identity);
		const answer = await get(url, headers).catch((error: unknown) => {
			const code = (error as { code?: unknown } | undefined)?.code;
			return { failed: typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? ` (${code})` : '' };
		});
		if ('failed' in answer) {
			throw new ConnectorError('entraUnreachable', `No answer from the managed identity endpoint${answer.failed}.`, {
				fix: 'Managed identities work only for n8n running on Azure (a VM, App Service, Container Apps, AKS...). Check the Source and the endpoint.',
			});
		}
		return readManagedIdentityAnswer(answer.status, answer.body, now);
	});
}
