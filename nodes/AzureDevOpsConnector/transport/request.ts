/**
 * The one place that talks HTTP to Azure DevOps. Every request goes through n8n's
 * `httpRequestWithAuthentication` (its proxy, TLS and credential handling); the credential decides which token, if
 * any, may go to the URL. Here: URLs and api-version, JSON Patch content type, back-off on 429/503 within a bounded
 * budget, safe retries, and errors mapped to NodeApiError with Azure DevOps' own message and our code.
 */
import type {
	IAdditionalCredentialOptions,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	INode,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import {
	entraOrganizations,
	entraTokens,
	isEntraCredentialType,
	tokenCacheKey,
	type EntraCredentialType,
} from './entraToken';
import { ConnectorError, type ErrorKey } from '../connector/errors';
import { requestTargetUrl, selectTokenForUrl } from '../connector/organizationTokens';
import { AzureDevOpsError, keyForStatus, serviceFacts } from './errors';
import { negotiateVersion, parseLocations, type Route, type ServerVersions } from './versions';

export type AzureDevOpsCredentialType =
	| 'azureDevOpsApi'
	| 'azureDevOpsMultiOrgApi'
	| EntraCredentialType
	| 'azureDevOpsOAuth2Api';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;


export interface RetryPolicy {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	/** Longest total time spent waiting between attempts. */
	maxTotalWaitMs: number;
	/** First back-off delay when the service gives no Retry-After; doubles per attempt, with jitter. */
	baseDelayMs: number;
	/** Longest single wait. */
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 6,
	maxTotalWaitMs: 120_000,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
};

/** Waiting and randomness, replaceable so tests can run back-off on a fake clock. */
export interface TransportClock {
	sleep(ms: number): Promise<void>;
	random(): number;
}

const realClock: TransportClock = { sleep, random: Math.random };
let activeClock: TransportClock = realClock;

/** Replaces the clock used for back-off waits (tests only); returns a function that restores the real one. */
export function useTransportClock(clock: TransportClock): () => void {
	activeClock = clock;
	return () => {
		activeClock = realClock;
	};
}

export interface AzureDevOpsRequest {
	method: IHttpRequestMethods;
	/** Canonical organization or collection URL (no trailing slash). */
	organizationUrl: string;
	/** Path below the organization, starting with '/', segments already encoded (see `apiPath`). */
	path: string;
	query?: IDataObject;
	body?: unknown;
	/** JSON Patch for work item create/update; JSON otherwise. */
	contentType?: 'application/json' | 'application/json-patch+json';
	/** The route, whose api-version is negotiated with the organization (see versions.ts). */
	route: Route;
	/**
	 * Whether sending the request twice is harmless (reads, deletes, updates guarded by `test /rev`). A request that is
	 * not idempotent (create, comment) is retried only when it certainly did not reach the server (429/503 answers,
	 * refused connections); a connection lost after sending raises AZDC-4014 so the caller can check what happened.
	 */
	idempotent?: boolean;
	retry?: Partial<RetryPolicy>;
	/** The input item this request serves, for the error's item index. */
	itemIndex?: number;
	timeoutMs?: number;
}

export interface RateLimitInfo {
	/** X-RateLimit-Remaining: requests left before Azure DevOps starts delaying or refusing. */
	remaining?: number;
	limit?: number;
	/** X-RateLimit-Delay: seconds Azure DevOps already delayed this request. */
	delaySeconds?: number;
}

export interface AzureDevOpsResponse<T> {
	body: T;
	status: number;
	headers: Record<string, string>;
	rateLimit: RateLimitInfo;
	/** Attempts it took, 1 when the first succeeded. */
	attempts: number;
}

type Outcome =
	| {
			kind: 'response';
			status: number;
			headers: Record<string, string>;
			body: unknown;
			/** A 401 to a Microsoft Entra token that was fetched anew and refused again. */
			bearerRefused?: boolean;
	  }
	| { kind: 'network'; reached: boolean; reason: string }
	| { kind: 'refused'; error: unknown };

/** Sends one Azure DevOps REST request with back-off and error mapping, at the version the organization serves. */
export async function azureDevOpsRequest<T = IDataObject>(
	this: RequestContext,
	credentialType: AzureDevOpsCredentialType,
	request: AzureDevOpsRequest,
): Promise<AzureDevOpsResponse<T>> {
	const server = await serverVersions(this, credentialType, request.organizationUrl, request);
	let apiVersion: string;
	try {
		apiVersion = negotiateVersion(request.route, server);
	} catch (error) {
		throw notOnThisServer(this.getNode(), error as ConnectorError, request.itemIndex);
	}
	return await sendWithRetries<T>(this, credentialType, request, apiVersion);
}

/** A route this server lacks, as the client's error (the fault's own sentence, without code and fix). */
function notOnThisServer(node: INode, fault: ConnectorError, itemIndex: number | undefined): AzureDevOpsError {
	const problem = fault.message.replace(/^\[AZDC-\d{4}\] /, '').replace(/ Fix: [\s\S]*$/, '');
	return new AzureDevOpsError(node, fault.key, problem, { itemIndex });
}

// What each organization or collection serves, learnt once per process (a failed discovery is not remembered).
const discovered = new Map<string, Promise<ServerVersions>>();

/** Forgets what was learnt about servers' versions (tests that restart an emulator on the same URL). */
export function forgetServerVersions(): void {
	discovered.clear();
}

/** The versions an organization or collection serves, from its `OPTIONS /_apis` answer (read once per process). */
export async function serverVersions(
	context: RequestContext,
	credentialType: AzureDevOpsCredentialType,
	organizationUrl: string,
	call: Pick<AzureDevOpsRequest, 'itemIndex' | 'retry' | 'timeoutMs'> = {},
): Promise<ServerVersions> {
	const key = organizationUrl.replace(/\/+$/, '').toLowerCase();
	let pending = discovered.get(key);
	if (!pending) {
		pending = discover(context, credentialType, organizationUrl, call);
		discovered.set(key, pending);
		pending.catch(() => discovered.delete(key));
	}
	return await pending;
}

async function discover(
	context: RequestContext,
	credentialType: AzureDevOpsCredentialType,
	organizationUrl: string,
	call: Pick<AzureDevOpsRequest, 'itemIndex' | 'retry' | 'timeoutMs'>,
): Promise<ServerVersions> {
	const { itemIndex } = call;
	const response = await sendWithRetries<unknown>(
		context,
		credentialType,
		// The location list takes no api-version; n8n's types lack OPTIONS, its HTTP client does not.
		{ ...call, method: 'OPTIONS' as IHttpRequestMethods, organizationUrl, path: '/_apis', route: DISCOVERY, idempotent: true },
		undefined,
	);
	const server = parseLocations(response.body);
	if (!server) {
		throw new AzureDevOpsError(
			context.getNode(),
			'apiVersionsUnreadable',
			`${organizationUrl} answered OPTIONS /_apis with no list of resource locations.`,
			{ status: response.status, itemIndex },
		);
	}
	return server;
}

const DISCOVERY: Route = { feature: 'resource locations', area: 'Location', locationId: '', version: '' };

async function sendWithRetries<T>(
	context: RequestContext,
	credentialType: AzureDevOpsCredentialType,
	request: AzureDevOpsRequest,
	apiVersion: string | undefined,
): Promise<AzureDevOpsResponse<T>> {
	const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...request.retry };
	const idempotent = request.idempotent ?? request.method === 'GET';
	const node = context.getNode();
	const url = `${request.organizationUrl.replace(/\/+$/, '')}${request.path}`;
	const options: IHttpRequestOptions = {
		method: request.method,
		url,
		qs: apiVersion === undefined ? { ...request.query } : { ...request.query, 'api-version': apiVersion },
		headers: {
			Accept: 'application/json',
			...(request.body !== undefined ? { 'Content-Type': request.contentType ?? 'application/json' } : {}),
		},
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A redirect from Azure DevOps leads to a sign-in page or another host: never carry the token there.
		disableFollowRedirect: true,
		timeout: request.timeoutMs ?? 60_000,
	};
	if (request.body !== undefined) options.body = request.body as IDataObject;

	let waited = 0;
	for (let attempt = 1; ; attempt++) {
		const outcome = await send(context, credentialType, options);
		if (outcome.kind === 'refused') {
			throw refusedBeforeSending(node, outcome.error, request.itemIndex);
		}
		if (outcome.kind === 'response' && outcome.status < 300) {
			return {
				body: outcome.body as T,
				status: outcome.status,
				headers: outcome.headers,
				rateLimit: readRateLimit(outcome.headers),
				attempts: attempt,
			};
		}

		const decision = retryDecision(outcome, idempotent, attempt, policy);
		if (decision.retry) {
			const wait = Math.min(decision.waitMs, policy.maxDelayMs);
			if (waited + wait <= policy.maxTotalWaitMs && !isCancelled(context)) {
				waited += wait;
				await activeClock.sleep(wait);
				continue;
			}
		}
		throw toAzureDevOpsError(node, outcome, request, idempotent, attempt);
	}
}

async function send(
	context: RequestContext,
	credentialType: AzureDevOpsCredentialType,
	options: IHttpRequestOptions,
): Promise<Outcome> {
	if (credentialType === 'azureDevOpsOAuth2Api') return await sendWithOAuth2(context, options);
	if (!isEntraCredentialType(credentialType)) return await sendOnce(context, credentialType, options);
	// A 401 means Azure DevOps did nothing with the request, so sending it again with a fresh token is safe even for
	// a create. Once: a second 401 to a token fetched just now is the identity's access, not the token's age.
	const first = await sendWithEntraToken(context, credentialType, options, false);
	if (first.outcome.kind !== 'response' || first.outcome.status !== 401) return first.outcome;
	entraTokens.forget(first.cacheKey, first.token);
	const second = await sendWithEntraToken(context, credentialType, options, true);
	if (second.outcome.kind === 'response' && second.outcome.status === 401) {
		entraTokens.forget(second.cacheKey, second.token);
		return { ...second.outcome, bearerRefused: true };
	}
	return second.outcome;
}

/**
 * One request with a Microsoft Entra credential. The token comes from this process's cache while fresh, else from the
 * credential as n8n stored it (while fresh), else n8n is asked to fetch one: an empty expirable token makes n8n call
 * the credential's `preAuthentication`, which fetches (one fetch shared by concurrent requests) and stores it.
 */
async function sendWithEntraToken(
	context: RequestContext,
	credentialType: EntraCredentialType,
	options: IHttpRequestOptions,
	renew: boolean,
): Promise<{ outcome: Outcome; cacheKey: string; token: string }> {
	const credentials = await context.getCredentials(credentialType);
	const cacheKey = tokenCacheKey(credentialType, credentials);
	let token = renew ? '' : (entraTokens.fresh(cacheKey)?.token ?? '');
	const stored = typeof credentials.accessToken === 'string' ? credentials.accessToken : '';
	const storedExpiry = Number(credentials.expiresAt);
	if (!renew && token === '' && stored !== '' && entraTokens.isFresh(storedExpiry)) {
		token = stored;
		entraTokens.remember(cacheKey, { token, expiresAt: storedExpiry });
	}
	const data = { ...credentials, accessToken: token };
	const details = context.getNode().credentials?.[credentialType];
	const outcome = await sendOnce(context, credentialType, options, {
		credentialsDecrypted: { id: details?.id ?? '', name: details?.name ?? '', type: credentialType, data },
	});
	// n8n merged what preAuthentication fetched into `data`: the token this request carried.
	return { outcome, cacheKey, token: typeof data.accessToken === 'string' ? data.accessToken : '' };
}

/**
 * One request with the delegated OAuth2 credential. n8n's OAuth2 machinery signs it (its `authenticate` is not called
 * for OAuth2 types), so the organization binding is checked here, before anything is sent; and n8n refreshes the token
 * on a 401 only when the request throws, so status errors are not ignored for this type (a thrown answer is read back
 * into the same outcome below).
 */
async function sendWithOAuth2(context: RequestContext, options: IHttpRequestOptions): Promise<Outcome> {
	try {
		const credentials = await context.getCredentials('azureDevOpsOAuth2Api');
		const token = credentials.oauthTokenData as { access_token?: unknown } | undefined;
		if (!token || typeof token.access_token !== 'string' || token.access_token === '') {
			throw new ConnectorError('entraCredentialIncomplete', 'The OAuth2 credential is not connected to an account yet.', {
				field: 'Connect my account',
				fix: 'Open the credential and press "Connect my account" (or "Sign in with Microsoft"), then sign in and consent.',
			});
		}
		const organizations = entraOrganizations(credentials.organizations, credentials.allowHttp === true);
		selectTokenForUrl(
			organizations.map((organizationUrl, index) => ({ organizationUrl, token: '', index })),
			requestTargetUrl(options),
		);
	} catch (error) {
		return { kind: 'refused', error };
	}
	const outcome = await sendOnce(context, 'azureDevOpsOAuth2Api', { ...options, ignoreHttpStatusErrors: false });
	// n8n already refreshed the token once on the first 401 and sent the request again.
	if (outcome.kind === 'response' && outcome.status === 401) return { ...outcome, bearerRefused: true };
	return outcome;
}

async function sendOnce(
	context: RequestContext,
	credentialType: AzureDevOpsCredentialType,
	options: IHttpRequestOptions,
	additionalCredentialOptions?: IAdditionalCredentialOptions,
): Promise<Outcome> {
	try {
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			credentialType,
			{ ...options, headers: { ...options.headers } },
			additionalCredentialOptions,
		)) as IN8nHttpFullResponse;
		return {
			kind: 'response',
			status: response.statusCode,
			headers: lowerCaseHeaders(response.headers),
			body: response.body,
		};
	} catch (error) {
		const cause = causeOf(error);
		if (cause instanceof ConnectorError) return { kind: 'refused', error: cause };
		if (credentialType === 'azureDevOpsOAuth2Api' && isRefreshRefused(error)) {
			return {
				kind: 'refused',
				error: new ConnectorError('entraSignInRefused', 'Microsoft Entra ID refused to refresh the sign-in of this OAuth2 credential.', {
					fix: 'Open the credential and reconnect it ("Reconnect", then sign in again): the refresh token was revoked or expired, or consent was withdrawn.',
				}),
			};
		}
		const status = (cause as { response?: { status?: number } } | undefined)?.response?.status;
		if (typeof status === 'number') {
			const response = (cause as { response: { headers?: unknown; data?: unknown } }).response;
			return { kind: 'response', status, headers: lowerCaseHeaders(response.headers), body: response.data };
		}
		const code = networkCode(error);
		return { kind: 'network', reached: !NOT_REACHED_CODES.has(code), reason: code || 'connection error' };
	}
}

// Failures that happen before a single byte of the request reaches the server: always safe to retry.
const NOT_REACHED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function retryDecision(
	outcome: Exclude<Outcome, { kind: 'refused' }>,
	idempotent: boolean,
	attempt: number,
	policy: RetryPolicy,
): { retry: boolean; waitMs: number } {
	if (attempt >= policy.maxAttempts) return { retry: false, waitMs: 0 };
	const backoff = exponentialDelay(attempt, policy);
	if (outcome.kind === 'network') {
		// A request that may have reached the server is re-sent only when sending it twice is harmless.
		return { retry: !outcome.reached || idempotent, waitMs: backoff };
	}
	const { status, headers } = outcome;
	if (status === 429 || status === 503) {
		// Azure DevOps answers these before doing any work, so even a create is safe to send again.
		const retryAfter = parseRetryAfter(headers['retry-after']);
		return { retry: true, waitMs: retryAfter ?? backoff };
	}
	if ((status === 500 || status === 502 || status === 504) && idempotent) {
		return { retry: true, waitMs: backoff };
	}
	return { retry: false, waitMs: 0 };
}

function exponentialDelay(attempt: number, policy: RetryPolicy): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	// Full jitter keeps many parallel items from retrying in lockstep.
	return Math.round(ceiling / 2 + (activeClock.random() * ceiling) / 2);
}

/** Retry-After in seconds (Azure DevOps' form) or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function readRateLimit(headers: Record<string, string>): RateLimitInfo {
	const info: RateLimitInfo = {};
	const remaining = Number(headers['x-ratelimit-remaining']);
	const limit = Number(headers['x-ratelimit-limit']);
	const delay = Number(headers['x-ratelimit-delay']);
	if (headers['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining)) info.remaining = remaining;
	if (headers['x-ratelimit-limit'] !== undefined && Number.isFinite(limit)) info.limit = limit;
	if (headers['x-ratelimit-delay'] !== undefined && Number.isFinite(delay)) info.delaySeconds = delay;
	return info;
}

function isCancelled(context: RequestContext): boolean {
	const signal = 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal?.() : undefined;
	return signal?.aborted === true;
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const result: Record<string, string> = {};
	if (!headers || typeof headers !== 'object') return result;
	for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
		if (value === undefined || value === null) continue;
		result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return result;
}

function causeOf(error: unknown): unknown {
	let current: unknown = error;
	// n8n wraps the underlying failure (axios error, or the credential's own refusal) in NodeApiError.cause.
	for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
		if (current instanceof ConnectorError) return current;
		const next = (current as { cause?: unknown }).cause;
		if (next === undefined || next === current) break;
		current = next;
	}
	return current;
}

/**
 * Whether n8n's OAuth2 refresh was refused: n8n 2.x raises its "needs to be reconnected" error (failure cause
 * `credential-invalid`), n8n 1.x the OAuth client's AuthError (code EAUTH).
 */
function isRefreshRefused(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { code?: unknown; failure?: { cause?: unknown }; message?: unknown; cause?: unknown };
		if (candidate.code === 'EAUTH' || candidate.failure?.cause === 'credential-invalid') return true;
		if (typeof candidate.message === 'string' && /needs to be reconnected/.test(candidate.message)) return true;
		current = candidate.cause;
	}
	return false;
}

function networkCode(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	const message = error instanceof Error ? error.message : '';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return '';
}

function toAzureDevOpsError(
	node: INode,
	outcome: Exclude<Outcome, { kind: 'refused' }>,
	request: AzureDevOpsRequest,
	idempotent: boolean,
	attempts: number,
): AzureDevOpsError {
	const what = `${request.method} ${request.path.split('?')[0]}`;
	if (outcome.kind === 'network') {
		const key: ErrorKey = outcome.reached && !idempotent ? 'requestOutcomeUnknown' : 'azureDevOpsUnreachable';
		// In words, not as the system's code: n8n replaces a message naming ECONNRESET & co. with its own generic text,
		// which would drop our code, the fix, and the fact that a create may have been saved.
		const reason = describeNetworkReason(outcome.reason);
		const problem =
			key === 'requestOutcomeUnknown'
				? `The connection was lost after ${what} was sent (${reason}); it may have been carried out.`
				: `${what} failed after ${attempts} attempt(s): ${reason}.`;
		const error = new AzureDevOpsError(node, key, problem, { itemIndex: request.itemIndex });
		error.context.reason = outcome.reason;
		return error;
	}
	const { status, body, headers } = outcome;
	const facts = serviceFacts(body);
	const key = outcome.bearerRefused ? 'entraTokenRefused' : keyForStatus(status, facts.serviceType);
	let problem = facts.serviceMessage
		? `Azure DevOps answered ${status} to ${what}: ${facts.serviceMessage}`
		: `Azure DevOps answered ${status} to ${what}.`;
	if (key === 'azureDevOpsThrottled') problem += ` Gave up after ${attempts} attempt(s).`;
	if (key === 'azureDevOpsRedirected' && headers.location) {
		problem += ` It pointed to ${safeLocation(headers.location)}.`;
	}
	return new AzureDevOpsError(node, key, problem, { ...facts, status, itemIndex: request.itemIndex });
}

const NETWORK_REASONS: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the connection was aborted',
	EPIPE: 'the connection broke',
	ETIMEDOUT: 'no answer in time',
	ESOCKETTIMEDOUT: 'no answer in time',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
};

/** A network failure in words (the system code itself stays in the error's data). */
function describeNetworkReason(code: string): string {
	return NETWORK_REASONS[code] ?? 'connection error';
}

function refusedBeforeSending(node: INode, error: unknown, itemIndex: number | undefined): NodeApiError {
	const connectorError = error as ConnectorError;
	const apiError = new NodeApiError(
		node,
		{ message: connectorError.message },
		{ message: connectorError.message, description: connectorError.fix, itemIndex },
	);
	apiError.context.code = connectorError.code;
	return apiError;
}

/** Origin and path of a redirect target, without its query string (which may carry sign-in state). */
function safeLocation(location: string): string {
	try {
		const url = new URL(location);
		return `${url.origin}${url.pathname}`;
	} catch {
		return 'an unreadable location';
	}
}
