/**
 * Finds the work items already created for tickets: one WIQL query for a whole batch of tickets (split only when the
 * query text would pass Azure DevOps' length limit), then one read of the hits (200 ids per request) to confirm each
 * one by its tag or field, since WIQL CONTAINS only gives candidates. A work item whose tags name this ticket and
 * another one is never taken for either: the ticket gets AZDC-1091 instead.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ConnectorError } from '../../../connector/errors';
import {
	normaliseTicketId,
	ticketReferenceAmbiguousError,
	ticketReferenceIds,
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

/** A ticket named by a work item that also names another ticket: reported (AZDC-1091), never taken. */
export interface AmbiguousTicket {
	ambiguous: ConnectorError;
}

export type ExistingWorkItem = WorkItemSummary | AmbiguousTicket;

export function isAmbiguous(hit: ExistingWorkItem): hit is AmbiguousTicket {
	return 'ambiguous' in hit;
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
 * The existing work item of each ticket (the oldest when there are several), by ticket key; AmbiguousTicket for a
 * ticket that a work item names together with another ticket.
 */
export async function findExistingWorkItems(
	context: IExecuteFunctions,
	target: Target,
	ticketIds: readonly string[],
	reference: ResolvedTicketReferenceOptions,
	retryAttempts: number,
): Promise<Map<string, ExistingWorkItem>> {
	const found = new Map<string, ExistingWorkItem>();
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
	const ambiguous = new Map<string, { ticketIds: string[]; workItemIds: number[] }>();
	const items = await workItems.getMany(context, target, ids, { fields }, { retry: { maxAttempts: retryAttempts } });
	for (const item of items) {
		const named = ticketReferenceIds(item, input);
		for (const ticketId of named) {
			const key = ticketKey(ticketId, reference);
			if (!wanted.has(key)) continue;
			if (named.length === 1) {
				if (!found.has(key)) found.set(key, item);
				continue;
			}
			const entry = ambiguous.get(key) ?? { ticketIds: [], workItemIds: [] };
			entry.ticketIds.push(...named);
			entry.workItemIds.push(item.id);
			ambiguous.set(key, entry);
		}
	}
	for (const [key, entry] of ambiguous) {
		const ticketIds = [...new Map(entry.ticketIds.map((id) => [ticketKey(id, reference), id])).values()];
		found.set(key, { ambiguous: ticketReferenceAmbiguousError(ticketIds, entry.workItemIds) });
	}
	return found;
}
