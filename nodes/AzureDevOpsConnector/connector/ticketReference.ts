/**
 * The ticket reference: how Create From Ticket marks a work item with the ticket it came from (a tag such as
 * "Ticket:1234" or a custom field, plus a Hyperlink to the ticket), and how the trigger and the duplicate check read
 * it back.
 */
import { splitTags } from './delivery';
import { ConnectorError } from './errors';
import type { JsonPatchOperation } from './types';
import { webLinkOrNull } from './webLink';

export type TicketReferenceMode = 'tag' | 'field';

/** Where the ticket id is kept on the work item. */
export interface TicketReferenceOptions {
	/** 'tag' (default): a tag `<tagPrefix><id>`; 'field': the id in a custom field. */
	mode?: TicketReferenceMode | string;
	/** Prefix of the ticket tag; default "Ticket:". */
	tagPrefix?: string;
	/** Reference name of the field holding the ticket id, for mode 'field' (e.g. Custom.TicketId). */
	field?: string;
	/** Add a Hyperlink relation to the ticket's URL; default true. */
	hyperlink?: boolean;
}

/** Ticket reference options with defaults applied and checked. */
export interface ResolvedTicketReferenceOptions {
	mode: TicketReferenceMode;
	tagPrefix: string;
	field: string | null;
	hyperlink: boolean;
}

/** The ticket a work item belongs to, and where that was read from. */
export interface TicketReference {
	id: string | null;
	url: string | null;
	source: 'tag' | 'field' | 'hyperlink' | null;
}

/** What a work item (REST shape or a parsed delivery) offers for reading the reference back. */
export interface WorkItemWithReference {
	fields?: Record<string, unknown> | null;
	relations?: ReadonlyArray<unknown> | null;
	tags?: readonly string[] | null;
}

export const DEFAULT_TICKET_TAG_PREFIX = 'Ticket:';
/** The Hyperlink's comment is "Service desk ticket <id>": it names the ticket even when tag and field are gone. */
export const TICKET_HYPERLINK_COMMENT = 'Service desk ticket ';

const TAGS_PATH = '/fields/System.Tags';
const FIELD_REFERENCE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+$/;

/** Applies defaults to ticket reference options and checks them. */
export function resolveTicketReferenceOptions(options: TicketReferenceOptions = {}): ResolvedTicketReferenceOptions {
	const mode = options.mode ?? 'tag';
	if (mode !== 'tag' && mode !== 'field') {
		throw new ConnectorError('ticketReferenceModeUnknown', `Ticket Reference is "${String(mode)}".`, {
			field: 'Ticket Reference',
		});
	}
	const tagPrefix = options.tagPrefix ?? DEFAULT_TICKET_TAG_PREFIX;
	if (typeof tagPrefix !== 'string' || tagPrefix.trim() === '' || tagPrefix.includes(';')) {
		throw new ConnectorError('ticketTagPrefixInvalid', `The tag prefix "${String(tagPrefix)}" cannot be used.`, {
			field: 'Ticket Tag Prefix',
		});
	}
	let field: string | null = null;
	if (mode === 'field') {
		const name = typeof options.field === 'string' ? options.field.trim() : '';
		if (!FIELD_REFERENCE_NAME.test(name)) {
			throw new ConnectorError(
				'ticketReferenceFieldInvalid',
				name === '' ? 'Ticket Reference is "field" but no field is named.' : `"${name}" is not a field reference name.`,
				{ field: 'Ticket Reference Field' },
			);
		}
		field = name;
	}
	return { mode, tagPrefix: tagPrefix.trimStart(), field, hyperlink: options.hyperlink !== false };
}

/** A ticket id as stored: trimmed text; empty ids, and ";" in tag mode, get a coded error. */
export function normaliseTicketId(id: unknown, mode: TicketReferenceMode): string {
	const text = typeof id === 'number' && Number.isFinite(id) ? String(id) : typeof id === 'string' ? id.trim() : '';
	if (text === '') {
		throw new ConnectorError(
			'ticketIdEmpty',
			typeof id === 'string' || id === undefined || id === null ? 'The ticket id is empty.' : `The ticket id is ${typeof id}.`,
			{ field: 'Ticket ID' },
		);
	}
	if (mode === 'tag' && text.includes(';')) {
		throw new ConnectorError('ticketIdNotTaggable', `Ticket id "${text}" contains ";".`, { field: 'Ticket ID' });
	}
	return text;
}

/** The tag that marks a work item as belonging to a ticket, e.g. "Ticket:1234". */
export function ticketTag(ticketId: string, options: TicketReferenceOptions = {}): string {
	const resolved = resolveTicketReferenceOptions(options);
	return `${resolved.tagPrefix}${normaliseTicketId(ticketId, 'tag')}`;
}

/** The create/update patch with the ticket reference added: existingPatch plus tag or field, plus the Hyperlink. */
export function ticketReferencePatch(
	ticket: { id: string | number; url?: string | null },
	options: TicketReferenceOptions = {},
	existingPatch: readonly JsonPatchOperation[] = [],
): JsonPatchOperation[] {
	const resolved = resolveTicketReferenceOptions(options);
	const id = normaliseTicketId(ticket.id, resolved.mode);
	const url = ticketUrl(ticket.url);
	const patch = existingPatch.slice();

	if (resolved.mode === 'tag') {
		const tag = `${resolved.tagPrefix}${id}`;
		const at = lastIndexOfPath(patch, TAGS_PATH);
		if (at === -1) {
			patch.push({ op: 'add', path: TAGS_PATH, value: tag });
		} else {
			const existing = patch[at];
			const current = existing.value === undefined || existing.value === null ? '' : String(existing.value);
			patch[at] = { ...existing, value: mergeTags(splitTags(current), tag) };
		}
	} else {
		const field = resolved.field as string;
		const path = `/fields/${field}`;
		const at = lastIndexOfPath(patch, path);
		if (at === -1) {
			patch.push({ op: 'add', path, value: id });
		} else {
			const existing = patch[at];
			const current = existing.value === undefined || existing.value === null ? '' : String(existing.value).trim();
			if (current !== id) {
				throw new ConnectorError(
					'ticketReferenceFieldConflict',
					`The AttributeMap sets ${field} to "${current}", but the ticket reference needs "${id}".`,
					{ field },
				);
			}
		}
	}

	if (resolved.hyperlink && url !== null && !hasHyperlink(patch, url)) {
		patch.push({
			op: 'add',
			path: '/relations/-',
			value: { rel: 'Hyperlink', url, attributes: { comment: `${TICKET_HYPERLINK_COMMENT}${id}` } },
		});
	}
	return patch;
}

/** Reads the ticket reference back from a work item or a parsed delivery; never throws for the work item's shape. */
export function readTicketReference(
	workItem: WorkItemWithReference | null | undefined,
	options: TicketReferenceOptions = {},
): TicketReference {
	const resolved = resolveTicketReferenceOptions(options);
	const fields = isObject(workItem?.fields) ? workItem.fields : {};
	const links = ticketHyperlinks(workItem?.relations);
	const linkFor = (id: string): string | null =>
		links.find((link) => link.id.toLowerCase() === id.toLowerCase())?.url ?? null;

	let id: string | null = null;
	if (resolved.mode === 'tag') {
		const tags = Array.isArray(workItem?.tags) ? workItem.tags : splitTags(fieldValue(fields, 'System.Tags'));
		id = ticketIdsFromTags(tags, resolved.tagPrefix)[0] ?? null;
	} else {
		const value = fieldValue(fields, resolved.field as string);
		const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
		id = text === '' ? null : text;
	}
	if (id !== null) return { id, url: linkFor(id), source: resolved.mode };

	const link = links[0];
	return link ? { id: link.id, url: link.url, source: 'hyperlink' } : { id: null, url: null, source: null };
}

/**
 * Whether a work item really belongs to a ticket. Search results (WIQL CONTAINS) are candidates only: this confirms
 * each one. Tags compare case-insensitively, as Azure DevOps treats tags; a field compares exactly.
 */
export function workItemBelongsToTicket(
	workItem: WorkItemWithReference | null | undefined,
	ticketId: string | number,
	options: TicketReferenceOptions = {},
): boolean {
	const resolved = resolveTicketReferenceOptions(options);
	const id = normaliseTicketId(ticketId, resolved.mode);
	const fields = isObject(workItem?.fields) ? workItem.fields : {};
	if (resolved.mode === 'tag') {
		const tags = Array.isArray(workItem?.tags) ? workItem.tags : splitTags(fieldValue(fields, 'System.Tags'));
		return ticketIdsFromTags(tags, resolved.tagPrefix).some((found) => found.toLowerCase() === id.toLowerCase());
	}
	const value = fieldValue(fields, resolved.field as string);
	return (typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : null) === id;
}

function ticketIdsFromTags(tags: readonly unknown[], prefix: string): string[] {
	const lowerPrefix = prefix.toLowerCase();
	const ids: string[] = [];
	for (const tag of tags) {
		if (typeof tag !== 'string') continue;
		const text = tag.trim();
		if (text.length <= prefix.length || text.slice(0, prefix.length).toLowerCase() !== lowerPrefix) continue;
		const id = text.slice(prefix.length).trim();
		if (id !== '') ids.push(id);
	}
	return ids;
}

function ticketHyperlinks(relations: unknown): Array<{ id: string; url: string }> {
	if (!Array.isArray(relations)) return [];
	const lowerComment = TICKET_HYPERLINK_COMMENT.toLowerCase();
	const links: Array<{ id: string; url: string }> = [];
	for (const relation of relations) {
		if (!isObject(relation) || typeof relation.url !== 'string') continue;
		if (typeof relation.rel !== 'string' || relation.rel.toLowerCase() !== 'hyperlink') continue;
		const comment = isObject(relation.attributes) ? relation.attributes.comment : undefined;
		if (typeof comment !== 'string') continue;
		const text = comment.trim();
		if (text.slice(0, lowerComment.length).toLowerCase() !== lowerComment) continue;
		const id = text.slice(lowerComment.length).trim();
		// Only a plain web link is one the connector could have written; any other (javascript:, data:, file:, ...)
		// names no ticket and is never passed on.
		const url = webLinkOrNull(relation.url);
		if (id !== '' && url !== null) links.push({ id, url });
	}
	return links;
}

function mergeTags(tags: readonly string[], added: string): string {
	const seen = new Set<string>();
	const merged: string[] = [];
	for (const tag of [...tags, added]) {
		const key = tag.toLowerCase();
		if (seen.has(key)) continue;
		seen.add(key);
		merged.push(tag);
	}
	return merged.join('; ');
}

function ticketUrl(value: unknown): string | null {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
	// The same rule as for reading back: what the trigger would refuse to pass on is never written.
	const url = webLinkOrNull(value);
	if (url === null) {
		throw new ConnectorError(
			'ticketUrlInvalid',
			typeof value === 'string' ? 'The ticket URL is not a plain http(s) address.' : `The ticket URL is ${typeof value}.`,
			{ field: 'Ticket URL' },
		);
	}
	return url;
}

/** Field paths are case-insensitive in Azure DevOps; the last operation on a path is the one that counts. */
function lastIndexOfPath(patch: readonly JsonPatchOperation[], path: string): number {
	const wanted = path.toLowerCase();
	for (let i = patch.length - 1; i >= 0; i--) {
		const operation = patch[i];
		if (typeof operation?.path !== 'string' || operation.path.toLowerCase() !== wanted) continue;
		if (operation.op === 'add' || operation.op === 'replace') return i;
	}
	return -1;
}

function hasHyperlink(patch: readonly JsonPatchOperation[], url: string): boolean {
	return patch.some(
		(operation) =>
			operation.path === '/relations/-' &&
			isObject(operation.value) &&
			typeof operation.value.rel === 'string' &&
			operation.value.rel.toLowerCase() === 'hyperlink' &&
			operation.value.url === url,
	);
}

function fieldValue(fields: Record<string, unknown>, name: string): unknown {
	if (Object.prototype.hasOwnProperty.call(fields, name)) return fields[name];
	const wanted = name.toLowerCase();
	for (const key of Object.keys(fields)) if (key.toLowerCase() === wanted) return fields[key];
	return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
