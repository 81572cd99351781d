/**
 * WIQL text built from user data. Every value goes through `wiqlString`, so a ticket id such as O'Brien-7 can neither
 * break a query nor change what it asks.
 */
import { ConnectorError } from './errors';
import {
	normaliseTicketId,
	resolveTicketReferenceOptions,
	type TicketReferenceOptions,
} from './ticketReference';

/** Azure DevOps refuses WIQL texts longer than this many characters. */
export const WIQL_MAX_LENGTH = 32000;

/** Options of the ticket lookup: where the reference is kept, the project, and the length limit. */
export interface TicketLookupOptions extends TicketReferenceOptions {
	/** Project name; without it the query uses `@project` and must be run against a project-scoped WIQL URL. */
	project?: string;
	/** Longest query text to produce; defaults to WIQL_MAX_LENGTH. */
	maxQueryLength?: number;
}

/** A WIQL string literal: the value in single quotes, inner single quotes doubled. */
export function wiqlString(value: string | number): string {
	return `'${String(value).replace(/'/g, "''")}'`;
}

/**
 * WIQL queries that find the work items of many tickets at once, split so that no query passes the length limit.
 * The results are candidates: on System.Tags, CONTAINS is meant to match whole tags, but on text fields it matches
 * substrings and its exact semantics are Azure DevOps' to change, so a search for Ticket:12 may also return
 * Ticket:123. Callers confirm every hit by reading its tag or field back (`workItemBelongsToTicket`).
 */
export function buildTicketLookupQueries(ticketIds: readonly (string | number)[], options: TicketLookupOptions = {}): string[] {
	const resolved = resolveTicketReferenceOptions(options);
	const maxLength = options.maxQueryLength ?? WIQL_MAX_LENGTH;
	const project =
		options.project === undefined || options.project.trim() === '' ? '@project' : wiqlString(options.project.trim());

	// Tags are case-insensitive in Azure DevOps, so "abc" and "ABC" are one search in tag mode.
	const seen = new Set<string>();
	const ids: string[] = [];
	for (const raw of ticketIds) {
		const id = normaliseTicketId(raw, resolved.mode);
		const key = resolved.mode === 'tag' ? id.toLowerCase() : id;
		if (seen.has(key)) continue;
		seen.add(key);
		ids.push(id);
	}

	const head = `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = ${project} AND `;
	const { open, separator, close, term } =
		resolved.mode === 'tag'
			? {
					open: '(',
					separator: ' OR ',
					close: ')',
					term: (id: string) => `[System.Tags] CONTAINS ${wiqlString(`${resolved.tagPrefix}${id}`)}`,
				}
			: {
					open: `[${resolved.field as string}] IN (`,
					separator: ', ',
					close: ')',
					term: (id: string) => wiqlString(id),
				};

	const queries: string[] = [];
	const frame = head.length + open.length + close.length;
	let terms: string[] = [];
	let length = frame;
	for (const id of ids) {
		const text = term(id);
		if (frame + text.length > maxLength) {
			throw new ConnectorError(
				'ticketIdTooLong',
				`Ticket id "${id.slice(0, 40)}…" (${id.length} characters) makes a query longer than ${maxLength} characters.`,
				{ field: 'Ticket ID' },
			);
		}
		const added = (terms.length === 0 ? 0 : separator.length) + text.length;
		if (length + added > maxLength) {
			queries.push(head + open + terms.join(separator) + close);
			terms = [];
			length = frame;
		}
		length += (terms.length === 0 ? 0 : separator.length) + text.length;
		terms.push(text);
	}
	if (terms.length > 0) queries.push(head + open + terms.join(separator) + close);
	return queries;
}
