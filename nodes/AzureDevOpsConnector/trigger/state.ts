/**
 * What the trigger keeps in the workflow's static data ('node' scope): the subscriptions it registered, per webhook URL
 * (the test URL and the production URL are separate registrations that never touch each other), the secret it
 * generated for them, and the duplicate window. Everything read from static data is checked before use: a hand-edited
 * or older shape is ignored entry by entry rather than trusted.
 */
import type { IDataObject } from 'n8n-workflow';

import { newerDedupState, readDedupState, type DedupState } from '../connector/dedup';

export interface GeneratedSecret {
	user: string;
	password: string;
}

export interface Registration {
	/** Ids of the subscriptions this node created for the URL, one per event type. */
	ids: string[];
	events: string[];
	/** Organization the subscriptions live in. */
	organizationUrl: string;
	credentialType: string;
	/** What the subscriptions were created from; a different one means they must be made again. */
	fingerprint: string;
	/** The Basic auth secret the node generated and put on the subscriptions, when it generated one. */
	secret?: GeneratedSecret;
}

export interface TriggerStaticData extends IDataObject {
	registrations?: IDataObject;
	dedup?: IDataObject;
}

/** The registration stored for a webhook URL, when there is a well-formed one. */
export function registrationFor(staticData: IDataObject, url: string): Registration | undefined {
	const registrations = staticData.registrations;
	if (!registrations || typeof registrations !== 'object' || Array.isArray(registrations)) return undefined;
	return readRegistration((registrations as IDataObject)[url]);
}

/** Every well-formed registration, whatever its URL. */
export function allRegistrations(staticData: IDataObject): Registration[] {
	const registrations = staticData.registrations;
	if (!registrations || typeof registrations !== 'object' || Array.isArray(registrations)) return [];
	const result: Registration[] = [];
	for (const value of Object.values(registrations as IDataObject)) {
		const registration = readRegistration(value);
		if (registration) result.push(registration);
	}
	return result;
}

function readRegistration(value: unknown): Registration | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const entry = value as Record<string, unknown>;
	const ids = Array.isArray(entry.ids) ? entry.ids.filter((id): id is string => typeof id === 'string') : [];
	const events = Array.isArray(entry.events)
		? entry.events.filter((event): event is string => typeof event === 'string')
		: [];
	if (typeof entry.organizationUrl !== 'string' || typeof entry.fingerprint !== 'string') return undefined;
	const registration: Registration = {
		ids,
		events,
		organizationUrl: entry.organizationUrl,
		credentialType: typeof entry.credentialType === 'string' ? entry.credentialType : 'azureDevOpsApi',
		fingerprint: entry.fingerprint,
	};
	const secret = entry.secret as Record<string, unknown> | undefined;
	if (secret && typeof secret.user === 'string' && typeof secret.password === 'string' && secret.password !== '') {
		registration.secret = { user: secret.user, password: secret.password };
	}
	return registration;
}

/** Stores (or, with undefined, forgets) the registration of a webhook URL, leaving other URLs alone. */
export function storeRegistration(staticData: IDataObject, url: string, registration: Registration | undefined): void {
	const current = staticData.registrations;
	const registrations: IDataObject =
		current && typeof current === 'object' && !Array.isArray(current) ? { ...(current as IDataObject) } : {};
	if (registration) registrations[url] = registration as unknown as IDataObject;
	else delete registrations[url];
	if (Object.keys(registrations).length === 0) delete staticData.registrations;
	else staticData.registrations = registrations;
}

/**
 * The newest duplicate window this n8n process recorded, per trigger node (workflow id and node id). n8n's webhook
 * server gives every delivery its own copy of the static data, read before and saved after the delivery: two
 * deliveries running at the same time would each record into their own copy, and the one saved last would erase the
 * other. Every delivery of the process also records here, so the next one starts from the newest window whichever copy
 * it was given. Bounded: the least recently used node is forgotten first (its static data still holds its window).
 */
const liveWindows = new Map<string, DedupState>();
const LIVE_WINDOWS = 128;

/** The duplicate window of one delivery: where it came from, so it can be looked at again before recording. */
export interface DedupRead {
	/** The window to check against: the newer of the stored one and the process's own. */
	state: DedupState;
	/** What static data held when it was read. */
	raw: unknown;
	/** The node's key in the process's own windows; undefined when the workflow has no id (never saved). */
	key: string | undefined;
}

/** The key of a trigger node's window in this process. */
export function dedupKeyOf(workflowId: string | undefined, nodeId: string | undefined): string | undefined {
	return workflowId && nodeId ? `${workflowId}\u0000${nodeId}` : undefined;
}

/** The duplicate window to check a delivery against: static data's, or the process's own when that one is newer. */
export function dedupStateOf(staticData: IDataObject, key?: string): DedupRead {
	const raw = staticData.dedup;
	const live = key === undefined ? undefined : liveWindows.get(key);
	// n8n hands every request a fresh copy of static data, so reading it means validating the whole window again; when
	// this process has already recorded at least as much, its own window is the answer and the copy need not be read.
	const storedCount = raw && typeof raw === 'object' ? (raw as { s?: unknown }).s : undefined;
	if (live && typeof storedCount === 'number' && (live.s ?? 0) >= storedCount) return { state: live, raw, key };
	const stored = readDedupState(raw);
	return { state: live === undefined ? stored : newerDedupState(stored, live), raw, key };
}

/**
 * The window as it is now, for the check made just before recording: a delivery that waited (to read its work item)
 * may find that others were recorded in the meantime, in static data or in the process's own window.
 */
export function latestDedupState(staticData: IDataObject, read: DedupRead): DedupState {
	const stored = staticData.dedup === read.raw ? read.state : readDedupState(staticData.dedup);
	const newest = newerDedupState(read.state, stored);
	return read.key === undefined ? newest : newerDedupState(newest, liveWindows.get(read.key));
}

/** Replaces the duplicate window in one assignment, so no half-written state can be saved; the process keeps it too. */
export function storeDedupState(staticData: IDataObject, state: DedupState, key?: string): void {
	staticData.dedup = state as unknown as IDataObject;
	if (key === undefined) return;
	liveWindows.delete(key);
	liveWindows.set(key, state);
	if (liveWindows.size > LIVE_WINDOWS) {
		const oldest = liveWindows.keys().next().value;
		if (oldest !== undefined) liveWindows.delete(oldest);
	}
}
