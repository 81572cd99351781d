/**
 * Which REST API version to send, learnt from the service itself. Azure DevOps lists its resource locations, each
 * with the versions it serves there, in answer to `OPTIONS {organization}/_apis` (the way Microsoft's own clients
 * discover them). That list is read once per organization or collection and process, and every route then goes out
 * at the highest version both we and the server know, with `-preview.N` where the server has not released it.
 */
import { ConnectorError } from '../connector/errors';

/** One resource location as the service advertises it. */
export interface ResourceLocation {
	id: string;
	area: string;
	resourceName: string;
	resourceVersion: number;
	minVersion: string;
	maxVersion: string;
	releasedVersion: string;
}

/** What one organization or collection serves. */
export interface ServerVersions {
	/** Highest REST API version any of its routes offers (e.g. "6.0" on Azure DevOps Server 2020). */
	maxApiVersion: string;
	/** The product in words, e.g. "Azure DevOps Server 2020". */
	serverVersion: string;
	locations: ReadonlyMap<string, ResourceLocation>;
}

/** A route of the client: the location the service knows it by, and the newest version we speak for it. */
export interface Route {
	/** What it does in the user's words, for the error when a server lacks it. */
	feature: string;
	area: string;
	locationId: string;
	/** Newest version we send. */
	version: string;
	/** Where that version is a preview: the resource version we know at it. */
	previewResource?: number;
}

/** The product of an organization or collection, judged by the highest REST version it serves. */
export function describeServer(maxApiVersion: string): string {
	const max = versionNumber(maxApiVersion);
	if (max > 7.1) return 'Azure DevOps Services';
	if (max >= 7.1) return 'Azure DevOps Server 2022.1 or later';
	if (max >= 7) return 'Azure DevOps Server 2022';
	if (max >= 6) return 'Azure DevOps Server 2020';
	if (max >= 5) return 'Azure DevOps Server 2019';
	return 'Team Foundation Server older than Azure DevOps Server 2019';
}

/** The products that first offered a REST version, for "needs ..." in errors. */
function productFor(version: string): string {
	const v = versionNumber(version);
	if (v > 7.1) return 'Azure DevOps Services';
	if (v > 7) return 'Azure DevOps Server 2022.1';
	if (v > 6) return 'Azure DevOps Server 2022';
	if (v > 5.1) return 'Azure DevOps Server 2020';
	return 'Azure DevOps Server 2019';
}

/** "7.1" → 7.1; unreadable → NaN. */
export function versionNumber(version: string): number {
	const match = /^(\d+)\.(\d+)/.exec(String(version ?? '').trim());
	return match ? Number(`${match[1]}.${match[2]}`) : Number.NaN;
}

/** Reads the `OPTIONS /_apis` answer; undefined when it is not a location list. */
export function parseLocations(body: unknown): ServerVersions | undefined {
	const value = (body as { value?: unknown } | null | undefined)?.value;
	if (!Array.isArray(value)) return undefined;
	const locations = new Map<string, ResourceLocation>();
	let max = Number.NaN;
	let maxText = '';
	for (const entry of value as Array<Record<string, unknown>>) {
		if (!entry || typeof entry.id !== 'string' || typeof entry.maxVersion !== 'string') continue;
		const location: ResourceLocation = {
			id: entry.id.toLowerCase(),
			area: String(entry.area ?? ''),
			resourceName: String(entry.resourceName ?? ''),
			resourceVersion: Number(entry.resourceVersion ?? 1) || 1,
			minVersion: typeof entry.minVersion === 'string' ? entry.minVersion : '1.0',
			maxVersion: entry.maxVersion,
			releasedVersion: typeof entry.releasedVersion === 'string' ? entry.releasedVersion : '0.0',
		};
		locations.set(location.id, location);
		const v = versionNumber(location.maxVersion);
		if (Number.isFinite(v) && !(v <= max)) {
			max = v;
			maxText = location.maxVersion;
		}
	}
	if (locations.size === 0) return undefined;
	return { maxApiVersion: maxText, serverVersion: describeServer(maxText), locations };
}

/**
 * The api-version to send for a route on a server: our version when the server has it, else the server's newest;
 * marked preview where the server has not released that version of the route. A server without the route, or whose
 * newest version is older than the route's first, gets a coded error naming what is needed.
 */
export function negotiateVersion(route: Route, server: ServerVersions): string {
	const location = server.locations.get(route.locationId.toLowerCase());
	if (!location) {
		throw new ConnectorError(
			'apiVersionUnsupported',
			`${server.serverVersion} (REST API ${server.maxApiVersion}) does not offer ${route.feature}.`,
			{ details: { serverVersion: server.serverVersion, maxApiVersion: server.maxApiVersion } },
		);
	}
	const wanted = versionNumber(route.version);
	const max = versionNumber(location.maxVersion);
	const useOurs = !(max < wanted);
	const version = useOurs ? route.version : location.maxVersion;
	if (versionNumber(version) < versionNumber(location.minVersion)) {
		throw new ConnectorError(
			'apiVersionUnsupported',
			`${server.serverVersion} offers ${route.feature} only from REST API ${location.minVersion}; it needs ${productFor(location.minVersion)} or later.`,
			{ details: { serverVersion: server.serverVersion, maxApiVersion: server.maxApiVersion } },
		);
	}
	if (!(versionNumber(version) > versionNumber(location.releasedVersion))) return version;
	// A preview: our own resource version where we ask for our version, else the newest the server has.
	const resource =
		useOurs && route.previewResource !== undefined
			? Math.min(route.previewResource, location.resourceVersion)
			: location.resourceVersion;
	return `${version}-preview.${resource}`;
}
