/** Reading a ticket (an input item) the way Create From Ticket and Update From Ticket both do. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ConnectorError, ConnectorErrors } from '../../../connector/errors';
import { faultsError } from '../../../transport';

/** Keys a ticket's id and address are read from when no field is named, first present wins. */
export const TICKET_ID_FIELDS = ['TicketID', 'ticketId', 'id'];
export const TICKET_URL_FIELDS = ['TicketUrl', 'ticketUrl', 'url'];

/** A coded error for one item, its index (and the variable, field or setting) named in the message. */
export function itemError(context: IExecuteFunctions, error: unknown, index: number): Error {
	if (error instanceof ConnectorErrors) return faultsError(context.getNode(), error, index, `(input item ${index})`);
	if (error instanceof ConnectorError) {
		const message = error.message.replace(' Fix: ', ` (input item ${index}) Fix: `);
		const nodeError = new NodeOperationError(context.getNode(), message, { description: error.fix, itemIndex: index });
		nodeError.context.code = error.code;
		if (error.field) nodeError.context.field = error.field;
		return nodeError;
	}
	return asError(error);
}

export function nodeVariables(context: IExecuteFunctions, index: number): IDataObject {
	const rows = context.getNodeParameter('variables.variable', index, []) as Array<{ name?: string; value?: unknown }>;
	const variables: IDataObject = {};
	for (const row of rows) {
		const name = String(row.name ?? '').trim();
		if (name !== '') variables[name] = row.value as IDataObject[keyof IDataObject];
	}
	return variables;
}

/** A value at a top-level key or a dotted path ("ticket.requester.name"); a top-level key with dots wins. */
export function readPath(object: IDataObject, path: string): unknown {
	if (Object.prototype.hasOwnProperty.call(object, path)) return object[path];
	let current: unknown = object;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

export function firstPresent(object: IDataObject, names: string[]): unknown {
	for (const name of names) {
		const value = object[name];
		if (value !== undefined && value !== null && value !== '') return value;
	}
	return undefined;
}

export function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}
