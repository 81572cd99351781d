import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

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
