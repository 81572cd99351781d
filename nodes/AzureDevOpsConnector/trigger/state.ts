/**
 * What the trigger keeps in the workflow's static data ('node' scope): the subscriptions it registered, per webhook URL
 * (the test URL and the production URL are separate registrations that never touch each other), the secret it
 * generated for them, and the duplicate window. Everything read from static data is checked before use: a hand-edited
 * or older shape is ignored entry by entry rather than trusted.
 */
import type { IDataObject } from 'n8n-workflow';

import { readDedupState, type DedupState } from '../connector/dedup';

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

/** The duplicate window as stored. */
export function dedupStateOf(staticData: IDataObject): DedupState {
	return readDedupState(staticData.dedup);
}

/** Replaces the duplicate window in one assignment, so no half-written state can be saved. */
export function storeDedupState(staticData: IDataObject, state: DedupState): void {
	staticData.dedup = state as unknown as IDataObject;
}
