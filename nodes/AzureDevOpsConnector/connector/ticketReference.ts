/**
 * The ticket reference: how Create From Ticket marks a work item with the ticket it came from (a tag such as
 * "Ticket:1234" or a custom field, plus a Hyperlink to the ticket), and how the trigger and the duplicate check read
 * it back.
 */
import { splitTags } from './delivery';
import { ConnectorError, ERROR_CATALOGUE, formatErrorMessage } from './errors';
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
	/** Set when the work item names several different tickets: id, url and source are then null, nothing is picked. */
	ambiguous?: AmbiguousTicketReference;
}

/** Several different tickets named by one work item: the ids (first ones only) and the coded explanation. */
export interface AmbiguousTicketReference {
	/** The different ticket ids, in the order found, at most MAX_LISTED_IDS of them. */
	ids: string[];
	/** How many different ids there are in all. */
	count: number;
	code: string;
	message: string;
}

/** The result of writing the reference: the patch, and what was left out of it (coded warnings, AZDC-1092). */
export interface TicketReferencePlan {
	patch: JsonPatchOperation[];
	warnings: string[];
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
/** Messages and outputs list this many ids or tags at most, then say how many more there are. */
const MAX_LISTED_IDS = 10;
const MAX_LISTED_LENGTH = 60;
const FIELD_REFERENCE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+$/;

/** Applies defaults to ticket reference options and checks them. */
export function resolveTicketReferenceOptions(options: TicketReferenceOptions = {}): ResolvedTicketReferenceOptions {
	const mode = options.mode ?? 'tag';
	if (mode !== 'tag' && mode !== 'field') {
		throw new ConnectorError('ticketReferenceModeUnknown', `Ticket Reference is "${clip(String(mode))}".`, {
			field: 'Ticket Reference',
		});
	}
	const tagPrefix = options.tagPrefix ?? DEFAULT_TICKET_TAG_PREFIX;
	if (typeof tagPrefix !== 'string' || tagPrefix.trim() === '' || tagPrefix.includes(';')) {
		throw new ConnectorError('ticketTagPrefixInvalid', `The tag prefix "${clip(String(tagPrefix))}" cannot be used.`, {
			field: 'Ticket Tag Prefix',
		});
	}
	let field: string | null = null;
	if (mode === 'field') {
		const name = typeof options.field === 'string' ? options.field.trim() : '';
		if (!FIELD_REFERENCE_NAME.test(name)) {
			throw new ConnectorError(
				'ticketReferenceFieldInvalid',
				name === '' ? 'Ticket Reference is "field" but no field is named.' : `"${clip(name)}" is not a field reference name.`,
				{ field: 'Ticket Field' },
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
		throw new ConnectorError('ticketIdNotTaggable', `Ticket id "${clip(text)}" contains ";".`, { field: 'Ticket ID' });
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
	return planTicketReference(ticket, options, existingPatch).patch;
}

/**
 * The patch with the ticket reference added, as ticketReferencePatch, and the coded warnings (AZDC-1092) for tags of
 * the rendered patch that named another ticket: those are left out, so that the reference the connector writes is
 * the only one the work item carries.
 */
export function planTicketReference(
	ticket: { id: string | number; url?: string | null },
	options: TicketReferenceOptions = {},
	existingPatch: readonly JsonPatchOperation[] = [],
): TicketReferencePlan {
	const resolved = resolveTicketReferenceOptions(options);
	const id = normaliseTicketId(ticket.id, resolved.mode);
	const url = ticketUrl(ticket.url);
	const patch = existingPatch.slice();
	const warnings: string[] = [];

	if (resolved.mode === 'tag') {
		const tag = `${resolved.tagPrefix}${id}`;
		const at = lastIndexOfPath(patch, TAGS_PATH);
		if (at === -1) {
			patch.push({ op: 'add', path: TAGS_PATH, value: tag });
		} else {
			const existing = patch[at];
			const current = existing.value === undefined || existing.value === null ? '' : String(existing.value);
			// A tag that reads back as a reference to another ticket can only have come from the rendered text.
			const kept: string[] = [];
			const removed: string[] = [];
			for (const candidate of splitTags(current)) {
				const named = referenceIdOfTag(candidate, resolved.tagPrefix);
				if (named !== null && named.toLowerCase() !== id.toLowerCase()) removed.push(candidate);
				else kept.push(candidate);
			}
			if (removed.length > 0) warnings.push(foreignTagWarning(removed, tag));
			patch[at] = { ...existing, value: mergeTags(kept, tag) };
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
					`The AttributeMap sets ${field} to "${clip(current)}", but the ticket reference needs "${clip(id)}".`,
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
	return { patch, warnings };
}

function foreignTagWarning(removed: readonly string[], own: string): string {
	const spec = ERROR_CATALOGUE.ticketTagFromTicketText;
	const problem =
		`The rendered tags held ${removed.length === 1 ? 'a tag' : `${removed.length} tags`} naming another ticket ` +
		`(${listed(removed.map((tag) => `"${clip(tag)}"`), removed.length)}); left out, so the work item carries only ${clip(own)}.`;
	return formatErrorMessage(spec.code, 'System.Tags', problem, spec.fix);
}

/**
 * Reads the ticket reference back from a work item or a parsed delivery; never throws for the work item's shape. The
 * tag (or field) decides; the "Service desk ticket" hyperlinks only when there is none. Several different tickets
 * named by the deciding source give no id but `ambiguous` (AZDC-1091): one is never picked.
 */
export function readTicketReference(
	workItem: WorkItemWithReference | null | undefined,
	options: TicketReferenceOptions = {},
): TicketReference {
	const resolved = resolveTicketReferenceOptions(options);
	const links = ticketHyperlinks(workItem?.relations);
	const linkFor = (id: string): string | null =>
		links.find((link) => link.id.toLowerCase() === id.toLowerCase())?.url ?? null;

	const ids = referenceIds(workItem, resolved);
	if (ids.length > 1) return ambiguousReference(ids, resolved.mode === 'tag' ? 'tags' : 'field');
	if (ids.length === 1) return { id: ids[0], url: linkFor(ids[0]), source: resolved.mode };

	const linkIds = distinctIds(links.map((link) => link.id));
	if (linkIds.length > 1) return ambiguousReference(linkIds, 'hyperlinks');
	const link = links[0];
	return link ? { id: link.id, url: link.url, source: 'hyperlink' } : { id: null, url: null, source: null };
}

/**
 * The different ticket ids a work item's tag (or field) names: none, one, or several (ambiguous). Tags compare
 * case-insensitively, as Azure DevOps treats tags. This is what the duplicate check confirms a search hit by.
 */
export function ticketReferenceIds(
	workItem: WorkItemWithReference | null | undefined,
	options: TicketReferenceOptions = {},
): string[] {
	return referenceIds(workItem, resolveTicketReferenceOptions(options));
}

/** The coded error for a work item that names several tickets, e.g. for Create From Ticket's duplicate check. */
export function ticketReferenceAmbiguousError(
	ids: readonly string[],
	workItemIds: readonly number[] = [],
	where: 'tags' | 'field' | 'hyperlinks' = 'tags',
): ConnectorError {
	const items =
		workItemIds.length === 0
			? 'The work item carries'
			: `Work item${workItemIds.length === 1 ? '' : 's'} ${listed(workItemIds.map(String), workItemIds.length)} ${workItemIds.length === 1 ? 'carries' : 'carry'}`;
	return new ConnectorError(
		'ticketReferenceAmbiguous',
		`${items} references to several different tickets in ${workItemIds.length > 1 ? 'their' : 'its'} ${where} (${listed(ids.map((id) => `"${clip(id)}"`), ids.length)}); none is taken.`,
		{ field: 'Ticket Reference', details: { ticketIds: ids.slice(0, MAX_LISTED_IDS), workItemIds: workItemIds.slice(0, MAX_LISTED_IDS) } },
	);
}

function referenceIds(workItem: WorkItemWithReference | null | undefined, resolved: ResolvedTicketReferenceOptions): string[] {
	const fields = isObject(workItem?.fields) ? workItem.fields : {};
	if (resolved.mode === 'tag') {
		const tags = Array.isArray(workItem?.tags) ? workItem.tags : splitTags(fieldValue(fields, 'System.Tags'));
		return distinctIds(ticketIdsFromTags(tags, resolved.tagPrefix));
	}
	const value = fieldValue(fields, resolved.field as string);
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	return text === '' ? [] : [text];
}

function ambiguousReference(ids: readonly string[], where: 'tags' | 'field' | 'hyperlinks'): TicketReference {
	const error = ticketReferenceAmbiguousError(ids, [], where);
	return {
		id: null,
		url: null,
		source: null,
		ambiguous: { ids: ids.slice(0, MAX_LISTED_IDS), count: ids.length, code: error.code, message: error.message },
	};
}

/**
 * Whether a work item belongs to this ticket and to no other. Search results (WIQL CONTAINS) are candidates only:
 * this confirms each one. Tags compare case-insensitively, as Azure DevOps treats tags; a field compares exactly. A
 * work item that also names another ticket belongs to neither (see ticketReferenceIds to tell that case apart).
 */
export function workItemBelongsToTicket(
	workItem: WorkItemWithReference | null | undefined,
	ticketId: string | number,
	options: TicketReferenceOptions = {},
): boolean {
	const resolved = resolveTicketReferenceOptions(options);
	const id = normaliseTicketId(ticketId, resolved.mode);
	const ids = referenceIds(workItem, resolved);
	if (ids.length !== 1) return false;
	return resolved.mode === 'tag' ? ids[0].toLowerCase() === id.toLowerCase() : ids[0] === id;
}

/** The ticket id a tag names (`<prefix><id>`, prefix in any case, spaces around either ignored), or null. */
function referenceIdOfTag(tag: unknown, prefix: string): string | null {
	if (typeof tag !== 'string') return null;
	const text = tag.trim();
	if (text.length <= prefix.length || text.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return null;
	const id = text.slice(prefix.length).trim();
	return id === '' ? null : id;
}

function ticketIdsFromTags(tags: readonly unknown[], prefix: string): string[] {
	const ids: string[] = [];
	for (const tag of tags) {
		const id = referenceIdOfTag(tag, prefix);
		if (id !== null) ids.push(id);
	}
	return ids;
}

/** Ids once each, compared without regard to case, first spelling kept. */
function distinctIds(ids: readonly string[]): string[] {
	const seen = new Set<string>();
	const distinct: string[] = [];
	for (const id of ids) {
		const key = id.toLowerCase();
		if (seen.has(key)) continue;
		seen.add(key);
		distinct.push(id);
	}
	return distinct;
}

/** The first MAX_LISTED_IDS items joined, then how many more: a message stays short whatever the work item holds. */
function listed(items: readonly string[], total: number): string {
	const shown = items.slice(0, MAX_LISTED_IDS).join(', ');
	return total > MAX_LISTED_IDS ? `${shown} and ${total - MAX_LISTED_IDS} more` : shown;
}

function clip(text: string): string {
	return text.length > MAX_LISTED_LENGTH ? `${text.slice(0, MAX_LISTED_LENGTH)}…` : text;
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
