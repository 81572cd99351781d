/**
 * Which rendered fields really change a work item. Update From Ticket sends only those, so that a re-run for a ticket
 * that did not change sends nothing. Values are compared the way Azure DevOps stores them: numbers and their text
 * alike, identities by any of their names, tags as a set, dates by instant, HTML by its text.
 */
import type { JsonPatchOperation } from './types';

const TAGS_FIELD = 'System.Tags';

/** The operations of `patch` that set a field to a value it does not already have in `current` (by reference name). */
export function changedFieldOperations(
	patch: readonly JsonPatchOperation[],
	current: Readonly<Record<string, unknown>>,
	options: { keepTags?: readonly string[] } = {},
): JsonPatchOperation[] {
	const byLowerName = new Map<string, unknown>();
	for (const name of Object.keys(current)) byLowerName.set(name.toLowerCase(), current[name]);
	const changed: JsonPatchOperation[] = [];
	for (const operation of patch) {
		if (!operation.path.startsWith('/fields/') || (operation.op !== 'add' && operation.op !== 'replace')) {
			changed.push(operation);
			continue;
		}
		const name = operation.path.slice('/fields/'.length);
		const existing = byLowerName.get(name.toLowerCase());
		if (name.toLowerCase() === TAGS_FIELD.toLowerCase()) {
			const tags = tagsWithKept(splitTags(operation.value), options.keepTags ?? []);
			if (!sameTags(tags, splitTags(existing))) changed.push({ ...operation, value: tags.join('; ') });
			continue;
		}
		if (!sameFieldValue(operation.value, existing)) changed.push(operation);
	}
	return changed;
}

/** True when a rendered value equals what the work item holds, as Azure DevOps compares them. */
export function sameFieldValue(rendered: unknown, stored: unknown): boolean {
	if (isEmpty(rendered)) return isEmpty(stored);
	if (isEmpty(stored)) return false;
	if (typeof stored === 'object' && stored !== null) return sameIdentity(rendered, stored as Record<string, unknown>);
	if (typeof stored === 'number' || typeof rendered === 'number') {
		const left = Number(typeof rendered === 'string' ? rendered.trim() : rendered);
		const right = Number(typeof stored === 'string' ? stored.trim() : stored);
		return Number.isFinite(left) && Number.isFinite(right) ? left === right : String(rendered) === String(stored);
	}
	if (typeof stored === 'boolean' || typeof rendered === 'boolean') {
		return String(rendered).trim().toLowerCase() === String(stored).trim().toLowerCase();
	}
	const left = String(rendered);
	const right = String(stored);
	if (left === right) return true;
	if (looksLikeDate(left) && looksLikeDate(right)) return Date.parse(left) === Date.parse(right);
	if (left.trim() === right.trim()) return true;
	// HTML as the service or its editor may have rewritten it: <br/> for <br>, an outer <div>, &nbsp;, spacing.
	return /[<&]/.test(left + right) && sameHtml(left, right);
}

/** True when two HTML texts say the same once the service's rewriting of markup is set aside. */
export function sameHtml(left: string, right: string): boolean {
	return normaliseHtml(left) === normaliseHtml(right);
}

function normaliseHtml(text: string): string {
	return text
		.replace(/<br\s*\/?>/gi, '<br>')
		.replace(/<\/?div[^>]*>/gi, ' ')
		.replace(/&nbsp;|\u00a0/gi, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/** An identity field (System.AssignedTo) is stored as an object: the rendered text may be any of its names. */
function sameIdentity(rendered: unknown, stored: Record<string, unknown>): boolean {
	const text = String(rendered).trim().toLowerCase();
	const names = [stored.uniqueName, stored.displayName, stored.id, stored.mailAddress]
		.filter((name): name is string => typeof name === 'string')
		.map((name) => name.toLowerCase());
	if (typeof stored.displayName === 'string' && typeof stored.uniqueName === 'string') {
		names.push(`${stored.displayName} <${stored.uniqueName}>`.toLowerCase());
	}
	return names.includes(text);
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function looksLikeDate(text: string): boolean {
	return /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim()) && !Number.isNaN(Date.parse(text));
}

/** Tags as Azure DevOps writes them: separated by ";" (a "," is accepted from templates), trimmed, no empties. */
export function splitTags(value: unknown): string[] {
	if (typeof value !== 'string') return [];
	return value
		.split(/[;,]/)
		.map((tag) => tag.trim())
		.filter((tag) => tag !== '');
}

function tagsWithKept(tags: string[], keep: readonly string[]): string[] {
	const result = [...tags];
	const present = new Set(result.map((tag) => tag.toLowerCase()));
	for (const tag of keep) {
		if (!present.has(tag.toLowerCase())) {
			present.add(tag.toLowerCase());
			result.push(tag);
		}
	}
	return result;
}

function sameTags(left: string[], right: string[]): boolean {
	const a = new Set(left.map((tag) => tag.toLowerCase()));
	const b = new Set(right.map((tag) => tag.toLowerCase()));
	return a.size === b.size && [...a].every((tag) => b.has(tag));
}
