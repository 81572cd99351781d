/**
 * Azure DevOps URLs: what a user pastes (a project URL, an organization URL, a Server collection URL) turned into
 * one canonical organization URL and project, and the check that decides whether a request URL belongs to an
 * organization, which is what keeps a token from ever reaching another organization or host.
 */
import { ConnectorError } from './errors';

export type Hosting = 'services' | 'server';

export interface AzureDevOpsLocation {
	/** Canonical organization (or Server collection) URL, no trailing slash: https://dev.azure.com/fabrikam. */
	organizationUrl: string;
	/** Organization or collection name, decoded. */
	organization: string;
	/** Project name, decoded ("Fabrikam Fiber"), when the URL names one. */
	project?: string;
	/** Azure DevOps Services (dev.azure.com, *.visualstudio.com) or Azure DevOps Server (any other host). */
	hosting: Hosting;
}

export interface ParseUrlOptions {
	/** Accept http:// for loopback hosts (the emulator, a local Server); never for other hosts. */
	allowHttp?: boolean;
	/** Fail when the URL names no project. */
	requireProject?: boolean;
	/** The setting or parameter the URL came from, for error messages. */
	field?: string;
	/**
	 * The URL is an organization or collection URL (a credential's field): on an Azure DevOps Server host its whole
	 * path is the collection, whatever virtual directory the server is installed under.
	 */
	asOrganization?: boolean;
	/**
	 * Organization or collection URLs already known (the credential's): a Server URL below one of them is split there,
	 * so `https://server/vdir/Collection/Project` finds its project under any virtual directory.
	 */
	organizations?: readonly string[];
}

const SERVICES_HOST = 'dev.azure.com';
const LEGACY_HOST_SUFFIX = '.visualstudio.com';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
/** Longer texts are not Azure DevOps URLs: refused before any parsing, so a pasted page costs nothing. */
export const MAX_URL_LENGTH = 4096;

/** Parses a project, organization or collection URL into its canonical organization URL and project. */
export function parseAzureDevOpsUrl(raw: unknown, options: ParseUrlOptions = {}): AzureDevOpsLocation {
	const field = options.field ?? 'URL';
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
		throw new ConnectorError('urlMissing', 'No URL is set.', { field });
	}
	if (typeof raw !== 'string') {
		throw new ConnectorError('urlUnparseable', `The URL must be text, not ${describeType(raw)}.`, { field });
	}
	if (raw.length > MAX_URL_LENGTH * 2 || raw.trim().length > MAX_URL_LENGTH) {
		throw new ConnectorError('urlUnparseable', `The URL is ${raw.length} characters long; a URL is at most ${MAX_URL_LENGTH}.`, {
			field,
		});
	}
	const text = raw.trim();
	// Checked on the text before any parsing, so that a URL that does not parse is refused for its credentials too.
	if (urlCarriesUserInfo(text)) throw credentialsInUrl(field);
	const url = toUrl(text, field);
	if (url.username !== '' || url.password !== '') throw credentialsInUrl(field);
	// From here on a message names the URL by its scheme and host only: its path, query or fragment may hold a secret.
	const shown = `"${url.protocol}//${url.host}${url.pathname.length > 1 || url.search || url.hash ? '/…' : ''}"`;
	const host = normaliseHost(url.hostname);
	if (url.protocol === 'http:') {
		if (!(options.allowHttp && LOOPBACK_HOSTS.has(host))) {
			throw new ConnectorError('urlNotHttps', `${shown} uses http.`, { field });
		}
	} else if (url.protocol !== 'https:') {
		throw new ConnectorError('urlUnparseable', `${shown} is not an http(s) URL.`, { field });
	}

	const segments = decodeSegments(url.pathname, field, shown);
	const port = url.port ? `:${url.port}` : '';

	let hosting: Hosting;
	let organization: string | undefined;
	let organizationUrl: string;
	let rest: string[];

	if (host === SERVICES_HOST) {
		hosting = 'services';
		organization = segments[0];
		rest = segments.slice(1);
		if (!organization || organization.startsWith('_')) {
			throw new ConnectorError('urlUnparseable', `${shown} names no organization.`, {
				field,
				fix: 'Use https://dev.azure.com/{organization}/{project}.',
			});
		}
		organizationUrl = `https://${SERVICES_HOST}/${encodeURIComponent(organization)}`;
	} else if (host.endsWith(LEGACY_HOST_SUFFIX) && host.split('.').length === 3) {
		// {org}.visualstudio.com is the same organization as dev.azure.com/{org}: one canonical form, so that a token
		// bound to either URL is recognised for both.
		hosting = 'services';
		organization = host.slice(0, -LEGACY_HOST_SUFFIX.length);
		rest = segments[0]?.toLowerCase() === 'defaultcollection' ? segments.slice(1) : segments;
		organizationUrl = `https://${SERVICES_HOST}/${encodeURIComponent(organization)}`;
	} else {
		hosting = 'server';
		// How many path segments the collection URL has: a known collection's, else /tfs/{collection}, else (for a
		// collection URL) everything before the first `_` segment, else one.
		const scheme = url.protocol === 'http:' ? 'http' : 'https';
		const known = knownCollectionLength(`${scheme}://${host}${port}`, segments, options.organizations ?? []);
		const hasTfs = segments[0]?.toLowerCase() === 'tfs';
		const beforeApis = segments.findIndex((segment) => segment.startsWith('_'));
		const length =
			known ?? (hasTfs ? 2 : options.asOrganization ? (beforeApis === -1 ? segments.length : beforeApis) : 1);
		organization = segments[length - 1];
		rest = segments.slice(length);
		if (!organization || organization.startsWith('_') || (hasTfs && length === 1)) {
			throw new ConnectorError('urlUnparseable', `${shown} names no collection.`, {
				field,
				fix: 'Use https://{server}/tfs/{collection}/{project} (Azure DevOps Server) or https://dev.azure.com/{organization}/{project}.',
			});
		}
		organizationUrl = `${scheme}://${host}${port}/${segments.slice(0, length).map(encodeURIComponent).join('/')}`;
	}

	const projectSegment = rest[0];
	const project = projectSegment && !projectSegment.startsWith('_') ? projectSegment : undefined;
	if (options.requireProject && !project) {
		throw new ConnectorError('urlNoProject', `${shown} names the organization but no project.`, { field });
	}
	return project === undefined
		? { organizationUrl, organization, hosting }
		: { organizationUrl, organization, project, hosting };
}

/**
 * The project a project URL names, read from its end: the last path segment before any `_` segment. Unlike the
 * split done by parseAzureDevOpsUrl, it needs no list of collections, since a project URL always ends with the
 * project whatever virtual directory and collection come before it. Undefined when the URL names no project.
 */
export function projectOfProjectUrl(raw: string, options: Pick<ParseUrlOptions, 'allowHttp'> = {}): string | undefined {
	const location = parseAzureDevOpsUrl(raw, { allowHttp: options.allowHttp });
	if (location.project === undefined) return undefined;
	const segments = decodeSegments(toUrl(raw.trim(), 'URL').pathname, 'URL', 'the project URL');
	const end = segments.findIndex((segment) => segment.startsWith('_'));
	return (end === -1 ? segments : segments.slice(0, end)).at(-1);
}

/**
 * True when a URL, whether or not it parses, carries user info ("name@" or "name:password@") before its host: looked
 * for after dropping what URL parsers drop (tabs and line breaks), after up to three rounds of percent-decoding, with
 * any mix of slashes and backslashes after the scheme, and without a scheme at all. Linear in the text.
 */
export function urlCarriesUserInfo(raw: string): boolean {
	let text = raw.replace(/[\t\n\r]/g, '');
	for (let round = 0; ; round++) {
		if (authorityOf(text).includes('@')) return true;
		if (round === 3 || !/%[0-9A-Fa-f]{2}/.test(text)) return false;
		text = text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
	}
}

/** The part of a URL-like text between the scheme's slashes (any number, either kind) and the path, query or fragment. */
function authorityOf(text: string): string {
	const start = /^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:)?[\\/]*/.exec(text)?.[0].length ?? 0;
	const rest = text.slice(start);
	const end = rest.search(/[\\/?#]/);
	return end === -1 ? rest : rest.slice(0, end);
}

function credentialsInUrl(field: string): ConnectorError {
	return new ConnectorError(
		'urlCredentials',
		'The URL contains a user name or password before the host; it is not repeated here, and nothing was sent.',
		{ field },
	);
}

/** The canonical, case-insensitive identity of an organization URL, for comparing and keying tokens. */
export function organizationKey(organizationUrl: string): string {
	return parseAzureDevOpsUrl(organizationUrl, { allowHttp: true, asOrganization: true }).organizationUrl.toLowerCase();
}

/** The segment count of the known collection URL that `segments` (on `origin`) lies below, if any; longest wins. */
function knownCollectionLength(origin: string, segments: string[], organizations: readonly string[]): number | undefined {
	let best: number | undefined;
	for (const candidate of organizations) {
		const url = tryParseUrl(candidate);
		const known = url ? trySplitDecoded(url.pathname) : undefined;
		if (!url || !known || known.length === 0) continue;
		const knownOrigin = `${url.protocol}//${normaliseHost(url.hostname)}${url.port ? `:${url.port}` : ''}`;
		if (knownOrigin !== origin.toLowerCase() || known.length > segments.length) continue;
		if (known.every((segment, i) => segment.toLowerCase() === segments[i].toLowerCase())) {
			best = Math.max(best ?? 0, known.length);
		}
	}
	return best;
}

/** True when both URLs name the same organization (or Server collection). */
export function sameOrganization(a: string, b: string): boolean {
	return organizationKey(a) === organizationKey(b);
}

/**
 * True when a request URL is inside an organization: same scheme, host and port, no user info, and a path that
 * starts with the organization's path segment for segment (case-insensitive, after decoding, with no encoded slash
 * that could smuggle a different path past the check). Services organizations also own their
 * {org}.visualstudio.com host and the Microsoft service hosts *.dev.azure.com/{org} (vssps, vsrm, ...).
 */
export function isUrlWithinOrganization(requestUrl: string, organizationUrl: string): boolean {
	const target = tryParseUrl(requestUrl);
	const org = tryParseUrl(organizationUrl);
	if (!target || !org) return false;
	if (target.username !== '' || target.password !== '') return false;
	if (target.protocol !== org.protocol) return false;
	if (target.protocol !== 'https:' && target.protocol !== 'http:') return false;

	const targetSegments = trySplitDecoded(target.pathname);
	const orgSegments = trySplitDecoded(org.pathname);
	if (!targetSegments || !orgSegments) return false;
	const targetHost = normaliseHost(target.hostname);
	const orgHost = normaliseHost(org.hostname);

	if (orgHost === SERVICES_HOST && target.port === '' && org.port === '') {
		const orgName = orgSegments[0]?.toLowerCase();
		if (!orgName) return false;
		if (targetHost === `${orgName}${LEGACY_HOST_SUFFIX}`) return true;
		if (targetHost === SERVICES_HOST || targetHost.endsWith(`.${SERVICES_HOST}`)) {
			return targetSegments[0]?.toLowerCase() === orgName;
		}
		return false;
	}

	if (targetHost !== orgHost || target.port !== org.port) return false;
	if (targetSegments.length < orgSegments.length) return false;
	return orgSegments.every((segment, i) => segment.toLowerCase() === targetSegments[i].toLowerCase());
}

/** Lower-cases a host name and drops the trailing dot of a fully-qualified name ("dev.azure.com."). */
function normaliseHost(hostname: string): string {
	return hostname.toLowerCase().replace(/\.+$/, '');
}

/**
 * The seed's own form "{organization}/{project}": no scheme, exactly two segments, the first no host name (no dot, no
 * port, not localhost). Azure DevOps organization names hold neither dots nor colons, and a Server URL always has a
 * collection and a project after its host, so the form names a project of Azure DevOps Services.
 */
const SEED_PROJECT_FORM = /^\/*([^/.:\s]+)\/([^/]+)\/*$/;

function toUrl(text: string, field: string): URL {
	const seedForm = SEED_PROJECT_FORM.exec(text);
	if (seedForm && seedForm[1].toLowerCase() !== 'localhost') {
		const url = tryParseUrl(`https://${SERVICES_HOST}/${seedForm[1]}/${seedForm[2]}`);
		if (url) return url;
	}
	// Users paste "dev.azure.com/org/project" without the scheme; https is the only scheme Azure DevOps serves.
	const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
	const url = tryParseUrl(withScheme);
	// Not quoted: a text that does not parse cannot be told apart from one that carries a secret somewhere.
	if (!url) {
		const hint = /\s/.test(text) ? ' (it contains a space)' : '';
		throw new ConnectorError('urlUnparseable', `The URL (${text.length} characters) is not a valid URL${hint}.`, {
			field,
		});
	}
	return url;
}

function tryParseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

function decodeSegments(pathname: string, field: string, shown: string): string[] {
	const segments = trySplitDecoded(pathname);
	if (!segments) {
		throw new ConnectorError('urlUnparseable', `${shown} has a path that cannot be decoded.`, { field });
	}
	return segments.map((segment) => segment.trim());
}

function trySplitDecoded(pathname: string): string[] | undefined {
	try {
		return splitDecoded(pathname);
	} catch {
		return undefined;
	}
}

/** Splits a URL path into decoded segments; throws on a malformed escape or an encoded slash inside a segment. */
function splitDecoded(pathname: string): string[] {
	return pathname
		.split('/')
		.filter((segment) => segment !== '')
		.map((segment) => {
			const decoded = decodeURIComponent(segment);
			if (decoded.includes('/') || decoded.includes('\\')) throw new Error('encoded slash');
			return decoded;
		});
}

function describeType(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
