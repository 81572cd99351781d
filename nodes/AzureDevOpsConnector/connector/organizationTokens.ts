/**
 * Which token goes with which organization. A credential binds each Personal Access Token to one organization URL;
 * a request gets the token of the organization it is addressed to, or none at all.
 */
import { isUrlWithinOrganization, organizationKey, parseAzureDevOpsUrl } from './azureDevOpsUrl';
import { ConnectorError } from './errors';

export interface OrganizationToken {
	/** Canonical organization URL the token belongs to. */
	organizationUrl: string;
	token: string;
	/** Position in the credential's list: the seed's AccessToken index. */
	index: number;
}

export interface OrganizationTokenOptions {
	/** Accept http:// organization URLs on loopback hosts (the emulator). */
	allowHttp?: boolean;
}

/** Splits the seed's comma-separated token list (also accepts one token per line). */
export function splitTokenList(tokens: string): string[] {
	return tokens
		.split(/[,\n\r]+/)
		.map((token) => token.trim())
		.filter((token) => token !== '');
}

/** Splits a list of organization URLs written one per line or separated by commas. */
export function splitOrganizationList(organizations: string): string[] {
	return organizations
		.split(/[,\n\r]+/)
		.map((url) => url.trim())
		.filter((url) => url !== '');
}

/** Reads a credential's organizations and tokens into bound pairs, checking that they line up. */
export function parseOrganizationTokens(
	organizations: string,
	tokens: string,
	options: OrganizationTokenOptions = {},
): OrganizationToken[] {
	const urls = splitOrganizationList(organizations ?? '');
	const secrets = splitTokenList(tokens ?? '');
	if (secrets.length === 0) {
		throw new ConnectorError('credentialTokenMissing', 'No Personal Access Token is set.', {
			field: 'Access Tokens',
		});
	}
	if (urls.length !== secrets.length) {
		throw new ConnectorError(
			'credentialListsMismatch',
			`${urls.length} organization URL(s) but ${secrets.length} token(s).`,
			{ field: 'Organizations' },
		);
	}
	const seen = new Map<string, number>();
	return urls.map((url, index) => {
		const { organizationUrl } = parseAzureDevOpsUrl(url, {
			allowHttp: options.allowHttp,
			field: `Organizations (line ${index + 1})`,
			asOrganization: true,
		});
		const key = organizationKey(organizationUrl);
		const earlier = seen.get(key);
		if (earlier !== undefined) {
			throw new ConnectorError(
				'credentialOrganizationDuplicate',
				`${organizationUrl} is listed on line ${earlier + 1} and line ${index + 1}.`,
				{ field: 'Organizations' },
			);
		}
		seen.set(key, index);
		return { organizationUrl, token: secrets[index], index };
	});
}

/** The absolute URL a request will go to, from n8n request options (`url`, `baseURL` + `url`, or legacy `uri`). */
export function requestTargetUrl(options: { url?: unknown; baseURL?: unknown; uri?: unknown }): string | undefined {
	const url = typeof options.url === 'string' ? options.url : undefined;
	const uri = typeof options.uri === 'string' ? options.uri : undefined;
	const base = typeof options.baseURL === 'string' ? options.baseURL : undefined;
	const candidate = url ?? uri;
	if (candidate && /^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) return candidate;
	if (base && /^[a-z][a-z0-9+.-]*:\/\//i.test(base)) {
		if (!candidate) return base;
		return `${base.replace(/\/+$/, '')}/${candidate.replace(/^\/+/, '')}`;
	}
	return undefined;
}

/** The token bound to the organization a request URL is inside of; throws before anything is sent otherwise. */
export function selectTokenForUrl(entries: readonly OrganizationToken[], targetUrl: string | undefined): OrganizationToken {
	if (!targetUrl) {
		throw new ConnectorError('requestUrlUnknown', 'The request URL is relative or missing.');
	}
	const match = entries.find((entry) => isUrlWithinOrganization(targetUrl, entry.organizationUrl));
	if (!match) {
		throw new ConnectorError(
			'tokenForeignOrganization',
			`No token of this credential belongs to ${describeTarget(targetUrl)}; nothing was sent.`,
			{ field: 'Organizations' },
		);
	}
	return match;
}

/** Request options as n8n passes them to a credential's authenticate(): only the parts the binding reads or sets. */
export interface AuthenticatableRequest {
	url?: unknown;
	baseURL?: unknown;
	uri?: unknown;
	headers?: Record<string, unknown>;
}

/** What a request carrying a token must never do: follow a redirect, which could lead anywhere with the token. */
export interface NoRedirects {
	/** n8n's httpRequest helpers. */
	disableFollowRedirect: true;
	/** n8n's legacy request helper. */
	followRedirect: false;
	followAllRedirects: false;
	/** Should a redirect be followed after all: never with the credentials to another origin. */
	sendCredentialsOnCrossOriginRedirect: false;
}

/**
 * Adds the token of the request's organization to a request (Basic auth with an empty user name, as Azure DevOps
 * takes a PAT), asks Azure DevOps to answer 401 instead of redirecting to a sign-in page, and turns redirects off for
 * the request: n8n follows them by default and would carry the token to wherever they point (another host, or another
 * organization on the same host). Throws, before anything is sent, when no token of the credential belongs to the
 * request's organization.
 */
export function authenticateForOrganization<T extends AuthenticatableRequest>(
	entries: readonly OrganizationToken[],
	request: T,
): T & { auth: { username: string; password: string } } & NoRedirects {
	const { token } = selectTokenForUrl(entries, requestTargetUrl(request));
	return {
		...request,
		auth: { username: '', password: token },
		headers: { ...request.headers, 'X-TFS-FedAuthRedirect': 'Suppress' },
		disableFollowRedirect: true,
		followRedirect: false,
		followAllRedirects: false,
		sendCredentialsOnCrossOriginRedirect: false,
	};
}

/**
 * Adds a Microsoft Entra access token (Bearer) to a request for one of the organizations a credential lists, with the
 * same guards as a PAT: no redirects, a 401 instead of a sign-in page, and nothing sent to any other organization.
 */
export function authenticateBearerForOrganization<T extends AuthenticatableRequest>(
	organizationUrls: readonly string[],
	accessToken: string,
	request: T,
): T & { headers: Record<string, unknown> } & NoRedirects {
	const entries = organizationUrls.map((organizationUrl, index) => ({ organizationUrl, token: accessToken, index }));
	selectTokenForUrl(entries, requestTargetUrl(request));
	if (accessToken === '') {
		throw new ConnectorError('entraUnreachable', 'No Microsoft Entra token was fetched for this request; nothing was sent.');
	}
	const headers: Record<string, unknown> = { ...request.headers, 'X-TFS-FedAuthRedirect': 'Suppress' };
	for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
	headers.Authorization = `Bearer ${accessToken}`;
	return {
		...request,
		headers,
		disableFollowRedirect: true,
		followRedirect: false,
		followAllRedirects: false,
		sendCredentialsOnCrossOriginRedirect: false,
	};
}

/** Checks that the seed's AccessToken index picks a token of the organization the settings URL names. */
export function checkTokenIndex(entries: readonly OrganizationToken[], index: number, organizationUrl: string): void {
	const entry = entries[index];
	if (!entry) {
		throw new ConnectorError(
			'accessTokenOutOfRange',
			`AccessToken is ${index} but the credential has ${entries.length} token(s) (the first is 0).`,
			{ field: 'AccessToken' },
		);
	}
	if (organizationKey(entry.organizationUrl) !== organizationKey(organizationUrl)) {
		throw new ConnectorError(
			'tokenIndexForeignOrganization',
			`AccessToken ${index} is the token of ${entry.organizationUrl}, but URL names ${organizationUrl}.`,
			{ field: 'AccessToken' },
		);
	}
}

/** Scheme, host and first path segment of a URL: enough to say where a request was going, never a query string. */
function describeTarget(targetUrl: string): string {
	try {
		const url = new URL(targetUrl);
		const first = url.pathname.split('/').filter(Boolean)[0];
		return `${url.protocol}//${url.host}${first ? `/${first}` : ''}`;
	} catch {
		return 'an unparseable URL';
	}
}
