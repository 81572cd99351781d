/**
 * Service-hook deliveries: the JSON body Azure DevOps POSTs for a work-item event, turned into the one flat shape the
 * trigger emits. Runs on every delivery, so it reads only the paths it emits and copies nothing deeply: a 5 MB body or
 * a 10,000-level nesting where the trigger does not look costs one JSON.parse and nothing more. What it does emit
 * (field values, changes, links) is checked to be nested no deeper than n8n can store.
 */
import { mergeIdentities, readIdentity, type IdentityRef } from './echo';
import { ConnectorError } from './errors';
import { WORK_ITEM_EVENT_TYPES, type WorkItemEventType, type WorkItemRelation } from './types';

/** How much of the work item the subscription's "Resource details to send" setting let through. */
export type ResourceDetails = 'all' | 'minimal' | 'none';

/** The work item's state before and after the event. */
export interface DeliveryState {
	old: string | null;
	new: string | null;
	changed: boolean;
}

/** One changed field of a `workitem.updated` event; `oldValue` is absent when the field was empty before. */
export interface FieldChange {
	oldValue?: unknown;
	newValue?: unknown;
}

/** The relation changes a `workitem.updated` event reports (`resource.relations`). */
export interface RelationChanges {
	added: WorkItemRelation[];
	removed: WorkItemRelation[];
	updated: WorkItemRelation[];
}

/** A service-hook delivery, parsed: what the trigger emits for one event. */
export interface ParsedDelivery {
	eventType: WorkItemEventType;
	/** The delivery's own id (top-level `id`), the same on every retry of one event. */
	deliveryId: string | null;
	notificationId: number | null;
	subscriptionId: string | null;
	/** The real work item id, for every event type (never the update number of `workitem.updated`). */
	workItemId: number;
	revision: number | null;
	workItemType: string | null;
	project: string | null;
	projectId: string | null;
	areaPath: string | null;
	state: DeliveryState;
	/** Reference names of the fields the update changed; empty for the other events. */
	changedFields: string[];
	/** The update's changes by field; empty for the other events. */
	changes: Record<string, FieldChange>;
	changedBy: string | null;
	/** Who made the change, with the id and unique name deliveries give (for recognising the connector's own changes). */
	author: IdentityRef | null;
	/** Current field values of the work item (after the event); empty when resource details were Minimal or None. */
	fields: Record<string, unknown>;
	tags: string[];
	/** The work item's relations, or null when the delivery does not carry them. */
	relations: WorkItemRelation[] | null;
	relationChanges: RelationChanges | null;
	/** Organization (or Server collection) URL without trailing slash, when the delivery reveals it. */
	organizationUrl: string | null;
	/** REST URL of the work item: `{organizationUrl}/_apis/wit/workItems/{id}`. */
	url: string | null;
	/** Browser URL of the work item, when the delivery reveals it. */
	webUrl: string | null;
	resourceDetails: ResourceDetails;
	/** The comment text of `workitem.commented` (and of an update that added one). */
	comment: string | null;
	createdDate: string | null;
}

type JsonObject = Record<string, unknown>;

const EVENT_TYPES: ReadonlySet<string> = new Set(WORK_ITEM_EVENT_TYPES);
/** Longer strings are not URLs Azure DevOps sends; skipping them keeps pattern matching cheap on hostile bodies. */
const MAX_URL_LENGTH = 4096;
/** The work item id sits in the first line of a message; never scan megabytes of detailed text for it. */
const MAX_MESSAGE_SCAN = 4096;
/**
 * Deepest nesting accepted in what the trigger emits. Azure DevOps nests a few levels (an identity with its links); n8n
 * saves every execution's items as JSON, which fails on values nested some thousands of levels deep.
 */
export const MAX_VALUE_DEPTH = 64;

/** Decodes and JSON-parses a raw delivery body (text, bytes or an already-parsed object). */
export function parseDeliveryBody(raw: string | Uint8Array | ArrayBuffer | object | undefined | null): unknown {
	if (raw === undefined || raw === null) {
		throw new ConnectorError('deliveryEmpty', 'The request has no body.', { field: 'body' });
	}
	let text: string;
	if (typeof raw === 'string') {
		text = raw;
	} else if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) {
		const decoded = decodeUtf8(raw);
		if (decoded === undefined) {
			throw new ConnectorError('deliveryNotJson', 'The body is not UTF-8 text.', { field: 'body' });
		}
		text = decoded;
	} else if (typeof raw === 'object') {
		return raw;
	} else {
		throw new ConnectorError('deliveryNotJson', `The body is ${typeof raw}, not JSON text.`, { field: 'body' });
	}
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	if (text.trim() === '') {
		throw new ConnectorError('deliveryEmpty', 'The request body is empty.', { field: 'body' });
	}
	const parsed = tryParseJson(text);
	if (parsed.ok) return parsed.value;
	// Only the position is passed on: the parser's own message may quote the body.
	const position = /position (\d+)/.exec(parsed.reason)?.[1];
	throw new ConnectorError(
		'deliveryNotJson',
		position === undefined ? 'The body is not valid JSON.' : `The body is not valid JSON (at character ${position}).`,
		{ field: 'body', details: position === undefined ? {} : { position: Number(position) } },
	);
}

/** One decoder for every delivery: a non-streaming decode() starts afresh each time. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array | ArrayBuffer): string | undefined {
	try {
		return UTF8.decode(bytes);
	} catch {
		return undefined;
	}
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch (error) {
		return { ok: false, reason: error instanceof Error ? error.message : '' };
	}
}

/** Parses a work-item service-hook delivery into the trigger's output shape; bad bodies get a coded error. */
export function parseServiceHookDelivery(body: unknown): ParsedDelivery {
	let failure: unknown;
	try {
		return parseDelivery(body);
	} catch (error) {
		failure = error;
	}
	if (failure instanceof ConnectorError) throw failure;
	// A body with throwing getters or a proxy is not something Azure DevOps sends.
	throw new ConnectorError('deliveryMalformed', 'The body could not be read.', { field: 'body' });
}

function parseDelivery(body: unknown): ParsedDelivery {
	if (!isObject(body)) {
		throw malformed('body', `The body is ${describe(body)}, not a JSON object.`);
	}
	const eventType = readEventType(body.eventType);
	const deliveryId = readOptionalString(body.id, 'id');
	const subscriptionId = readOptionalString(body.subscriptionId, 'subscriptionId');
	const notificationId = readNotificationId(body.notificationId);
	const createdDate = typeof body.createdDate === 'string' ? body.createdDate : null;

	const resource = readOptionalObject(body.resource, 'resource');
	const isUpdate = eventType === 'workitem.updated';

	let changes: Record<string, FieldChange> = {};
	let currentFields: JsonObject | null = null;
	let relations: WorkItemRelation[] | null = null;
	let relationChanges: RelationChanges | null = null;
	let revisionObject: JsonObject | null = null;
	let revision: number | null = null;

	if (resource) {
		const resourceFields = readOptionalObject(resource.fields, 'resource.fields');
		checkNesting(resourceFields, 'resource.fields');
		checkNesting(resource.relations, 'resource.relations');
		if (isUpdate) {
			changes = resourceFields ? readChanges(resourceFields) : {};
			revisionObject = readOptionalObject(resource.revision, 'resource.revision');
			if (revisionObject) {
				checkNesting(revisionObject.fields, 'resource.revision.fields');
				checkNesting(revisionObject.relations, 'resource.revision.relations');
			}
			currentFields = revisionObject ? readOptionalObject(revisionObject.fields, 'resource.revision.fields') : null;
			relations = revisionObject ? readRelations(revisionObject.relations, 'resource.revision.relations') : null;
			relationChanges = readRelationChanges(resource.relations);
			revision =
				readRevision(resource.rev, 'resource.rev') ??
				(revisionObject ? readRevision(revisionObject.rev, 'resource.revision.rev') : null);
		} else {
			currentFields = resourceFields;
			relations = readRelations(resource.relations, 'resource.relations');
			revision = readRevision(resource.rev, 'resource.rev');
		}
	}

	const resourceDetails: ResourceDetails = !resource ? 'none' : currentFields ? 'all' : 'minimal';
	const fields: JsonObject = currentFields ? { ...currentFields } : {};
	const fieldValue = (name: string): unknown =>
		currentFields && name in currentFields ? currentFields[name] : changes[name]?.newValue;

	const project = textOrNull(fieldValue('System.TeamProject'));
	const containers = isObject(body.resourceContainers) ? body.resourceContainers : null;
	const projectContainer = containers && isObject(containers.project) ? containers.project : null;
	const projectId = projectContainer ? textOrNull(projectContainer.id) : null;

	const workItemId = findWorkItemId(body, resource, revisionObject, isUpdate);
	const organizationUrl = findOrganizationUrl(body, containers, resource, revisionObject, project, projectId);
	const url = organizationUrl ? `${organizationUrl}/_apis/wit/workItems/${workItemId}` : null;

	return {
		eventType,
		deliveryId,
		notificationId,
		subscriptionId,
		workItemId,
		revision,
		workItemType: textOrNull(fieldValue('System.WorkItemType')),
		project,
		projectId,
		areaPath: textOrNull(fieldValue('System.AreaPath')),
		state: readState(eventType, changes, currentFields),
		changedFields: Object.keys(changes),
		changes,
		changedBy: findChangedBy(resource, changes, currentFields, isUpdate),
		author: findAuthor(resource, changes, currentFields, isUpdate),
		fields,
		tags: splitTags(fieldValue('System.Tags')),
		relations,
		relationChanges,
		organizationUrl,
		url,
		webUrl: findWebUrl(resource, revisionObject, organizationUrl, project, workItemId),
		resourceDetails,
		comment: findComment(eventType, changes, currentFields),
		createdDate,
	};
}

function readEventType(value: unknown): WorkItemEventType {
	if (value === undefined || value === null || value === '') {
		throw new ConnectorError('deliveryNotWorkItemEvent', 'The body has no eventType.', { field: 'eventType' });
	}
	if (typeof value !== 'string') {
		throw malformed('eventType', `eventType is ${describe(value)}, not text.`);
	}
	const normalised = value.trim().toLowerCase();
	if (!EVENT_TYPES.has(normalised)) {
		throw new ConnectorError(
			'deliveryNotWorkItemEvent',
			`eventType "${clip(value)}" is not a work-item event.`,
			{ field: 'eventType', details: { eventType: clip(value) } },
		);
	}
	return normalised as WorkItemEventType;
}

function readNotificationId(value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'number') {
		if (Number.isSafeInteger(value) && value >= 0) return value;
		throw malformed('notificationId', `notificationId ${value} is not a whole number.`);
	}
	if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
	throw malformed('notificationId', `notificationId is ${describe(value)}, not a number.`);
}

function readOptionalString(value: unknown, field: string): string | null {
	if (value === undefined || value === null) return null;
	if (typeof value === 'string') return value;
	throw malformed(field, `${field} is ${describe(value)}, not text.`);
}

function readOptionalObject(value: unknown, field: string): JsonObject | null {
	if (value === undefined || value === null) return null;
	if (isObject(value)) return value;
	throw malformed(field, `${field} is ${describe(value)}, not an object.`);
}

function readRevision(value: unknown, field: string): number | null {
	if (value === undefined || value === null) return null;
	if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
	if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim()) || null;
	throw malformed(field, `${field} is ${describe(value)}, not a revision number.`);
}

/** A work item id: a positive whole number; 0, negatives and fractions count as missing (the samples send 0). */
function readWorkItemId(value: unknown, field: string): number | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
	if (typeof value === 'string') {
		const text = value.trim();
		if (/^\d{1,15}$/.test(text)) return Number(text) || null;
		if (/^-?\d+(\.\d+)?$/.test(text)) return null;
	}
	throw malformed(field, `${field} is ${describe(value)}, not a work item id.`);
}

function readChanges(resourceFields: JsonObject): Record<string, FieldChange> {
	const changes: Record<string, FieldChange> = {};
	for (const name of Object.keys(resourceFields)) {
		const change = resourceFields[name];
		if (!isObject(change)) {
			throw malformed(
				`resource.fields.${clip(name, 100)}`,
				'A changed field of an update must be an object with oldValue/newValue.',
			);
		}
		const entry: FieldChange = {};
		if ('oldValue' in change) entry.oldValue = change.oldValue;
		if ('newValue' in change) entry.newValue = change.newValue;
		// Defined as data so that a field named "__proto__" cannot reach the object's prototype.
		Object.defineProperty(changes, name, { value: entry, enumerable: true, writable: true, configurable: true });
	}
	return changes;
}

function readRelations(value: unknown, field: string): WorkItemRelation[] | null {
	if (value === undefined || value === null) return null;
	if (!Array.isArray(value)) throw malformed(field, `${field} is ${describe(value)}, not a list.`);
	return copyRelations(value);
}

function copyRelations(list: readonly unknown[]): WorkItemRelation[] {
	const relations: WorkItemRelation[] = [];
	for (const entry of list) {
		if (!isObject(entry) || typeof entry.rel !== 'string' || typeof entry.url !== 'string') continue;
		const relation: WorkItemRelation = { rel: entry.rel, url: entry.url };
		if (isObject(entry.attributes)) relation.attributes = { ...entry.attributes };
		relations.push(relation);
	}
	return relations;
}

function readRelationChanges(value: unknown): RelationChanges | null {
	if (value === undefined || value === null) return null;
	if (!isObject(value)) throw malformed('resource.relations', `resource.relations is ${describe(value)}, not an object.`);
	const part = (name: 'added' | 'removed' | 'updated'): WorkItemRelation[] => {
		const list = value[name];
		if (list === undefined || list === null) return [];
		if (!Array.isArray(list)) throw malformed(`resource.relations.${name}`, `resource.relations.${name} is not a list.`);
		return copyRelations(list);
	};
	return { added: part('added'), removed: part('removed'), updated: part('updated') };
}

/**
 * States per event: an update reports the change (or, when State did not change, old = new = current); a created work
 * item has no earlier state, so it counts as a change into its first state; comments, deletion and restoration leave
 * the state as it was.
 */
function readState(
	eventType: WorkItemEventType,
	changes: Record<string, FieldChange>,
	currentFields: JsonObject | null,
): DeliveryState {
	const current = currentFields ? textOrNull(currentFields['System.State']) : null;
	if (eventType === 'workitem.updated') {
		const change = changes['System.State'];
		if (change) {
			const oldState = textOrNull(change.oldValue);
			const newState = 'newValue' in change ? textOrNull(change.newValue) : current;
			return { old: oldState, new: newState, changed: oldState !== newState };
		}
		return { old: current, new: current, changed: false };
	}
	if (eventType === 'workitem.created') return { old: null, new: current, changed: current !== null };
	return { old: current, new: current, changed: false };
}

function findWorkItemId(
	body: JsonObject,
	resource: JsonObject | null,
	revisionObject: JsonObject | null,
	isUpdate: boolean,
): number {
	let id: number | null = null;
	if (resource) {
		if (isUpdate) {
			// resource.id of an update is the update's number, never the work item's.
			id = readWorkItemId(resource.workItemId, 'resource.workItemId');
			if (id === null && revisionObject) id = readWorkItemId(revisionObject.id, 'resource.revision.id');
		} else {
			id = readWorkItemId(resource.id, 'resource.id');
		}
		if (id === null) {
			const links = isObject(resource._links) ? resource._links : null;
			for (const candidate of [resource.url, linkHref(links, 'parent'), linkHref(links, 'self')]) {
				id = idFromApiUrl(candidate);
				if (id !== null) break;
			}
		}
	}
	if (id === null) id = idFromMessages(body);
	if (id === null) {
		throw new ConnectorError(
			'deliveryMissingIds',
			resource
				? 'Neither resource.workItemId, resource.revision.id, resource.id nor resource.url holds a work item id.'
				: 'The delivery has no resource (Resource details to send: None) and its messages name no work item.',
			{
				field: 'resource',
				fix: resource
					? undefined
					: 'Set "Resource details to send" of the service hook to All or Minimal, or "Messages to send" to anything but None.',
			},
		);
	}
	return id;
}

function idFromApiUrl(value: unknown): number | null {
	if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return null;
	const match = /\/_apis\/wit\/(?:workitems|recyclebin)\/(\d{1,15})(?:[/?#]|$)/i.exec(value);
	return match ? Number(match[1]) || null : null;
}

/** With "Resource details to send: None" the messages are the only place left that names the work item. */
function idFromMessages(body: JsonObject): number | null {
	for (const text of messageTexts(body)) {
		const match =
			/wi\.aspx\?[^\s"'<>()]*?\bid=(\d{1,15})/i.exec(text) ??
			/\/_workitems\/edit\/(\d{1,15})/i.exec(text) ??
			/^[^#\r\n]{0,200}#(\d{1,15})\b/.exec(text);
		const id = match ? Number(match[1]) : 0;
		if (id > 0) return id;
	}
	return null;
}

function messageTexts(body: JsonObject): string[] {
	const texts: string[] = [];
	for (const key of ['message', 'detailedMessage']) {
		const message = body[key];
		if (!isObject(message)) continue;
		for (const format of ['text', 'markdown', 'html']) {
			const text = message[format];
			if (typeof text === 'string' && text !== '') texts.push(text.slice(0, MAX_MESSAGE_SCAN));
		}
	}
	return texts;
}

function findOrganizationUrl(
	body: JsonObject,
	containers: JsonObject | null,
	resource: JsonObject | null,
	revisionObject: JsonObject | null,
	project: string | null,
	projectId: string | null,
): string | null {
	// A Server collection's own URL is in `collection`; `account` is the server root there.
	for (const name of ['collection', 'account']) {
		const container = containers ? containers[name] : undefined;
		const base = isObject(container) ? httpUrlOrNull(container.baseUrl) : null;
		if (base) return base;
	}
	const candidates: unknown[] = [];
	if (resource) {
		const links = isObject(resource._links) ? resource._links : null;
		candidates.push(resource.url, linkHref(links, 'self'), linkHref(links, 'parent'));
	}
	if (revisionObject) candidates.push(revisionObject.url);
	for (const candidate of candidates) {
		const organization = organizationFromApiUrl(candidate, project, projectId);
		if (organization) return organization;
	}
	for (const text of messageTexts(body)) {
		const match = /(https?:\/\/[^\s"'<>()]+?)\/web\/wi\.aspx/i.exec(text);
		const organization = match ? httpUrlOrNull(match[1]) : null;
		if (organization) return organization;
	}
	return null;
}

/** The part of an API URL before `/_apis`, without a trailing project segment. */
function organizationFromApiUrl(value: unknown, project: string | null, projectId: string | null): string | null {
	if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return null;
	const at = value.toLowerCase().indexOf('/_apis/');
	if (at <= 0) return null;
	const base = httpUrlOrNull(value.slice(0, at));
	if (!base) return null;
	const slash = base.lastIndexOf('/');
	const lastSegment = safeDecode(base.slice(slash + 1)).toLowerCase();
	const origin = /^https?:\/\/[^/]+/i.exec(base)?.[0].length ?? base.length;
	const isProject =
		slash >= origin &&
		lastSegment !== '' &&
		((project !== null && lastSegment === project.toLowerCase()) ||
			(projectId !== null && lastSegment === projectId.toLowerCase()));
	return isProject ? base.slice(0, slash) : base;
}

function findWebUrl(
	resource: JsonObject | null,
	revisionObject: JsonObject | null,
	organizationUrl: string | null,
	project: string | null,
	workItemId: number,
): string | null {
	for (const owner of [resource, revisionObject]) {
		const links = owner && isObject(owner._links) ? owner._links : null;
		const href = httpUrlOrNull(linkHref(links, 'html'), false);
		if (href) return href;
	}
	if (organizationUrl && project) {
		return `${organizationUrl}/${encodeURIComponent(project)}/_workitems/edit/${workItemId}`;
	}
	return null;
}

function findChangedBy(
	resource: JsonObject | null,
	changes: Record<string, FieldChange>,
	currentFields: JsonObject | null,
	isUpdate: boolean,
): string | null {
	if (isUpdate && resource) {
		const revisedBy = displayName(resource.revisedBy);
		if (revisedBy) return revisedBy;
		const changed = displayName(changes['System.ChangedBy']?.newValue);
		if (changed) return changed;
	}
	return currentFields ? displayName(currentFields['System.ChangedBy']) : null;
}

/** Who made the change, as an identity: revisedBy of an update (an object), merged with System.ChangedBy ("Name <email>"). */
function findAuthor(
	resource: JsonObject | null,
	changes: Record<string, FieldChange>,
	currentFields: JsonObject | null,
	isUpdate: boolean,
): IdentityRef | null {
	const changedBy = readIdentity(currentFields ? currentFields['System.ChangedBy'] : undefined);
	if (!isUpdate || !resource) return changedBy;
	return mergeIdentities(
		mergeIdentities(readIdentity(resource.revisedBy), readIdentity(changes['System.ChangedBy']?.newValue)),
		changedBy,
	);
}

/** An identity as a display name: "Name <email>" and `{ displayName, uniqueName }` both become "Name". */
export function displayName(identity: unknown): string | null {
	if (typeof identity === 'string') {
		const text = identity.trim();
		const open = text.lastIndexOf('<');
		if (open > 0 && text.endsWith('>')) {
			const name = text.slice(0, open).trim();
			if (name !== '') return name;
		}
		return text === '' ? null : text;
	}
	if (isObject(identity)) {
		for (const key of ['displayName', 'name', 'uniqueName']) {
			const value = identity[key];
			if (typeof value === 'string' && value.trim() !== '') return value.trim();
		}
	}
	return null;
}

function findComment(
	eventType: WorkItemEventType,
	changes: Record<string, FieldChange>,
	currentFields: JsonObject | null,
): string | null {
	if (eventType === 'workitem.commented') return currentFields ? textOrNull(currentFields['System.History']) : null;
	if (eventType === 'workitem.updated') return textOrNull(changes['System.History']?.newValue);
	return null;
}

/** System.Tags ("a; b;c") as a list of trimmed, non-empty tags. */
export function splitTags(value: unknown): string[] {
	if (typeof value !== 'string' || value === '') return [];
	const tags: string[] = [];
	for (const part of value.split(';')) {
		const tag = part.trim();
		if (tag !== '') tags.push(tag);
	}
	return tags;
}

function linkHref(links: JsonObject | null, name: string): unknown {
	const link = links ? links[name] : undefined;
	return isObject(link) ? link.href : undefined;
}

function httpUrlOrNull(value: unknown, trimSlashes = true): string | null {
	if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return null;
	let text = value.trim();
	if (!/^https?:\/\/[^/\s]/i.test(text)) return null;
	if (trimSlashes) {
		let end = text.length;
		while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
		text = text.slice(0, end);
	}
	try {
		new URL(text);
	} catch {
		return null;
	}
	return text;
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

function textOrNull(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'string') return 'text';
	if (typeof value === 'object') return 'an object';
	return `a ${typeof value}`;
}

function clip(text: string, length = 60): string {
	return text.length > length ? `${text.slice(0, length)}…` : text;
}

/** Refuses a value the trigger would emit when it is nested deeper than MAX_VALUE_DEPTH (walked without recursion). */
function checkNesting(value: unknown, field: string): void {
	if (value === null || typeof value !== 'object') return;
	const pending: Array<{ value: object; depth: number }> = [{ value, depth: 0 }];
	while (pending.length > 0) {
		const { value: current, depth } = pending.pop()!;
		if (depth >= MAX_VALUE_DEPTH) {
			throw malformed(field, `${field} is nested more than ${MAX_VALUE_DEPTH} levels deep.`);
		}
		const children = Array.isArray(current) ? current : Object.values(current);
		for (const child of children) {
			if (child !== null && typeof child === 'object') pending.push({ value: child as object, depth: depth + 1 });
		}
	}
}

function malformed(field: string, problem: string): ConnectorError {
	return new ConnectorError('deliveryMalformed', problem, { field });
}
