/**
 * Finds the work items already created for tickets: one WIQL query for a whole batch of tickets (split only when the
 * query text would pass Azure DevOps' length limit), then one read of the hits (200 ids per request) to confirm each
 * one by its tag or field, since WIQL CONTAINS only gives candidates.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	normaliseTicketId,
	workItemBelongsToTicket,
	type ResolvedTicketReferenceOptions,
	type TicketReferenceOptions,
} from '../../../connector/ticketReference';
import { buildTicketLookupQueries } from '../../../connector/wiql';
import { wiql, workItems, type Target } from '../../../transport';

export interface WorkItemSummary {
	id: number;
	rev?: number;
	url?: string;
	fields: Record<string, unknown>;
}

export const SUMMARY_FIELDS = [
	'System.Id',
	'System.Title',
	'System.State',
	'System.WorkItemType',
	'System.TeamProject',
	'System.Tags',
];

/** The key a ticket id is matched by: tags compare case-insensitively, fields exactly. */
export function ticketKey(ticketId: string, reference: ResolvedTicketReferenceOptions): string {
	return reference.mode === 'tag' ? ticketId.toLowerCase() : ticketId;
}

/**
 * The existing work item of each ticket (the oldest when there are several), by ticket key. Counts the requests it
 * made in `requests`.
 */
export async function findExistingWorkItems(
	context: IExecuteFunctions,
	target: Target,
	ticketIds: readonly string[],
	reference: ResolvedTicketReferenceOptions,
	retryAttempts: number,
): Promise<Map<string, WorkItemSummary>> {
	const found = new Map<string, WorkItemSummary>();
	if (ticketIds.length === 0) return found;
	const input: TicketReferenceOptions = {
		mode: reference.mode,
		tagPrefix: reference.tagPrefix,
		field: reference.field ?? undefined,
	};
	const queries = buildTicketLookupQueries(ticketIds, { ...input, project: target.project });

	const candidateIds = new Set<number>();
	for (const query of queries) {
		for (const id of await wiql.query(context, target, query, {}, { retry: { maxAttempts: retryAttempts } })) {
			candidateIds.add(id);
		}
	}
	if (candidateIds.size === 0) return found;

	const fields = [...SUMMARY_FIELDS];
	if (reference.mode === 'field' && reference.field) fields.push(reference.field);
	const wanted = new Map(ticketIds.map((id) => [ticketKey(normaliseTicketId(id, reference.mode), reference), id]));
	const ids = [...candidateIds].sort((a, b) => a - b);
	const items = await workItems.getMany(context, target, ids, { fields }, { retry: { maxAttempts: retryAttempts } });
	for (const item of items) {
		for (const [key, ticketId] of wanted) {
			if (found.has(key)) continue;
			if (workItemBelongsToTicket(item, ticketId, input)) found.set(key, item);
		}
	}
	return found;
}
