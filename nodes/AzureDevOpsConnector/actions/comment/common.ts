import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { hasEchoMarker, stripEchoMarker } from '../../connector/echo';

import { ConnectorError } from '../../connector/errors';
import { operationError } from '../target';

export const commentIdProperty: INodeProperties = {
	displayName: 'Comment ID',
	name: 'commentId',
	type: 'number',
	default: 0,
	required: true,
	description: 'The ID of the comment, as Get Many or Add Comment output it',
};

/** The Comment ID parameter, checked to be a positive whole number (AZDC-5110 otherwise). */
export function requireCommentId(context: IExecuteFunctions, itemIndex: number): number {
	const value = Number(context.getNodeParameter('commentId', itemIndex, 0));
	if (!Number.isSafeInteger(value) || value <= 0) {
		throw operationError(
			context,
			new ConnectorError('commentIdInvalid', `Comment ID is ${String(value)}.`, { field: 'Comment ID' }),
			itemIndex,
		);
	}
	return value;
}

/**
 * A comment as the node outputs it: without the connector's invisible marker in `text` and `renderedText`, so a
 * workflow sees the text it wrote (and copies no marker into a ticket). Copied only when there is one.
 */
export function commentOutput<T extends IDataObject>(comment: T): T {
	const text = comment.text;
	const rendered = comment.renderedText;
	if (!hasEchoMarker(text) && !hasEchoMarker(rendered)) return comment;
	const copy: IDataObject = { ...comment };
	if (typeof text === 'string') copy.text = stripEchoMarker(text);
	if (typeof rendered === 'string') copy.renderedText = stripEchoMarker(rendered);
	return copy as T;
}
