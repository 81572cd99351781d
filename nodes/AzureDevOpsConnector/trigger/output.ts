/** The one item the trigger emits per accepted event (DESIGN.md's trigger output contract). */
import type { IDataObject } from 'n8n-workflow';

import type { ParsedDelivery } from '../connector/delivery';
import { hasEchoMarker, stripEchoMarker } from '../connector/echo';
import type { TicketReference } from '../connector/ticketReference';
import { webLinkOrNull } from '../connector/webLink';

export interface TicketOutput {
	/** The ticket the work item was created from, or null. */
	id: string | null;
	/** The service-desk state the work item's Azure DevOps state maps to, or null when no row applies. */
	state: string | null;
	url: string | null;
	/** Where the id was read: 'tag', 'field' or 'hyperlink'. */
	source: string | null;
	/** Why id is null, when it is. */
	reason?: string;
	/** AZDC-1091 when the work item names several different tickets (id is then null). */
	code?: string;
	/** The tickets it names in that case (the first ten); none of them is picked. */
	candidates?: string[];
	/** Why state is null although the work item's state is mapped: it was already in that state (no change). */
	stateReason?: string;
}

/** Builds the output item from a parsed delivery, the ticket found and where the fields finally came from. */
export function buildOutputItem(
	delivery: ParsedDelivery,
	ticket: TicketOutput,
	extra: {
		fetched: boolean;
		fields: Record<string, unknown>;
		/** `changed` is null when the delivery did not say (an update sent with Minimal details). */
		state: { old: string | null; new: string | null; changed: boolean | null };
	},
): IDataObject {
	return {
		eventType: delivery.eventType,
		workItemId: delivery.workItemId,
		revision: delivery.revision,
		workItemType: delivery.workItemType,
		project: delivery.project,
		areaPath: delivery.areaPath,
		state: { ...extra.state },
		ticket: ticket as unknown as IDataObject,
		changedBy: delivery.changedBy,
		changedFields: delivery.changedFields,
		changes: changesWithoutMarker(delivery.changes) as unknown as IDataObject,
		fields: withoutMarker(extra.fields) as IDataObject,
		tags: delivery.tags,
		relations: delivery.relations as unknown as IDataObject[] | null,
		relationChanges: delivery.relationChanges as unknown as IDataObject | null,
		comment: delivery.comment === null ? null : stripEchoMarker(delivery.comment),
		url: delivery.url,
		webUrl: delivery.webUrl,
		organizationUrl: delivery.organizationUrl,
		notificationId: delivery.notificationId,
		subscriptionId: delivery.subscriptionId,
		deliveryId: delivery.deliveryId,
		createdDate: delivery.createdDate,
		resourceDetails: delivery.resourceDetails,
		workItemFetched: extra.fetched,
	};
}

/** The fields with the connector's invisible marker taken out of the comment (copied only when it is there). */
function withoutMarker(fields: Record<string, unknown>): Record<string, unknown> {
	const history = fields['System.History'];
	if (!hasEchoMarker(history)) return fields;
	return { ...fields, 'System.History': stripEchoMarker(history as string) };
}

/** The update's changes with the marker taken out of the comment's old and new value (copied only when it is there). */
function changesWithoutMarker(changes: ParsedDelivery['changes']): ParsedDelivery['changes'] {
	const history = changes['System.History'];
	if (!history || (!hasEchoMarker(history.newValue) && !hasEchoMarker(history.oldValue))) return changes;
	const clean = (value: unknown): unknown => (hasEchoMarker(value) ? stripEchoMarker(value as string) : value);
	return { ...changes, 'System.History': { ...history, newValue: clean(history.newValue), ...('oldValue' in history ? { oldValue: clean(history.oldValue) } : {}) } };
}

/** The ticket part of the output from what readTicketReference found. */
export function ticketOutput(
	reference: TicketReference,
	state: string | null,
	reason?: string,
	stateReason?: string,
): TicketOutput {
	if (reference.ambiguous) {
		const { code, message, ids } = reference.ambiguous;
		const ambiguous: TicketOutput = { id: null, state, url: null, source: null, reason: message, code, candidates: [...ids] };
		if (stateReason) ambiguous.stateReason = stateReason;
		return ambiguous;
	}
	// Only a plain http(s) link is ever emitted as the ticket's address (issue 15).
	const ticket: TicketOutput = { id: reference.id, state, url: webLinkOrNull(reference.url), source: reference.source };
	if (reference.id === null && reason) ticket.reason = reason;
	if (stateReason) ticket.stateReason = stateReason;
	return ticket;
}
