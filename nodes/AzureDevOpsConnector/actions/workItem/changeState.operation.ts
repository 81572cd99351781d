import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { commentToWrite, hasEchoMarker, readMarkComments, shouldMarkComment, stripEchoMarker } from '../../connector/echo';
import { ConnectorError } from '../../connector/errors';
import type { JsonPatchOperation } from '../../connector/types';
import { workItems } from '../../transport';
import { markCommentsOption, projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget, operationError } from '../target';
import { readTypeStates, requireWorkItemId, withWebUrl } from './operationHelpers';

const properties: INodeProperties[] = [
	projectLocator,
	workItemLocator,
	{
		displayName: 'State Name or ID',
		name: 'state',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getWorkItemStates', loadOptionsDependsOn: ['project.value', 'workItem.value'] },
		default: '',
		required: true,
		description:
			'The state to move the work item to, one of the states of its type (e.g. Active, Resolved, Closed). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'Optional reason and comment recorded with the state change',
		options: [
			{
				displayName: 'Comment',
				name: 'comment',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: 'Text to add to the work item\'s discussion with the state change (System.History; HTML allowed)',
			},
			markCommentsOption,
			{
				displayName: 'Reason',
				name: 'reason',
				type: 'string',
				default: '',
				placeholder: 'Fixed',
				description:
					'Why the state changes (System.Reason), one of the reasons the process allows for this transition; the default reason when empty',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['workItem'], operation: ['changeState'] } },
	properties,
);

/** Moves one work item per input item to another state, checking first that its type has that state. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const wanted = String(this.getNodeParameter('state', itemIndex, '') ?? '').trim();
	if (wanted === '') {
		throw operationError(this, new ConnectorError('targetStateEmpty', 'No state is set.', { field: 'State' }), itemIndex);
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as { comment?: string; reason?: string; markComments?: string };
	const comment = String(options.comment ?? '').trim();
	const reason = String(options.reason ?? '').trim();

	const current = await workItems.get(this, target, id, { expand: 'relations' }, { itemIndex });
	const fields = current.fields ?? {};
	const type = String(fields['System.WorkItemType'] ?? '');
	const project = String(fields['System.TeamProject'] ?? target.project);

	let state = wanted;
	const states = type ? await readTypeStates(this, { ...target, project }, type, itemIndex) : null;
	if (states && states.length > 0) {
		const match = states.find((candidate) => candidate.name.toLowerCase() === wanted.toLowerCase());
		if (!match) {
			throw operationError(
				this,
				new ConnectorError(
					'targetStateNotValidForType',
					`"${wanted}" is not a state of ${type}; its states are ${states.map((s) => `"${s.name}"`).join(', ')}. Nothing was changed.`,
					{ field: 'State' },
				),
				itemIndex,
			);
		}
		state = match.name;
	}

	if (String(fields['System.State'] ?? '') === state && comment === '' && reason === '') {
		// Already there: no write, no new revision, no service-hook delivery.
		return [{ json: withWebUrl(current, target), pairedItem: { item: itemIndex } }];
	}

	const patch: JsonPatchOperation[] = [{ op: 'add', path: '/fields/System.State', value: state }];
	if (reason !== '') patch.push({ op: 'add', path: '/fields/System.Reason', value: reason });
	if (comment !== '') {
		const mark = shouldMarkComment(readMarkComments(options.markComments), target.credentialType);
		patch.push({ op: 'add', path: '/fields/System.History', value: commentToWrite(comment, mark) });
	}

	const updated = await workItems.update(this, target, id, patch, { expand: 'relations' }, { itemIndex });
	// The output shows the comment as written, without the marker.
	const history = updated.fields?.['System.History'];
	if (hasEchoMarker(history)) updated.fields = { ...updated.fields, 'System.History': stripEchoMarker(history as string) };
	return [{ json: withWebUrl(updated, target), pairedItem: { item: itemIndex } }];
}
