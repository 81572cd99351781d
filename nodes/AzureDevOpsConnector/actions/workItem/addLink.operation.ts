import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget } from '../target';
import { changeRelations, linkProperties, linkUrl, resolveLinkType, sameLink } from './links';
import { requireWorkItemId, withWebUrl } from './operationHelpers';

const properties: INodeProperties[] = [
	projectLocator,
	workItemLocator,
	...linkProperties,
	{
		displayName: 'Comment',
		name: 'linkComment',
		type: 'string',
		default: '',
		description: 'A comment on the link, shown in the work item\'s Links tab',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workItem'], operation: ['addLink'] } }, properties);

/** Links a work item to another work item or a web address; a link that is already there is not added again. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const type = await resolveLinkType(this, target, String(this.getNodeParameter('linkType', itemIndex, '')), itemIndex);
	const url = linkUrl(this, target, type, this.getNodeParameter('linkTarget', itemIndex, ''), itemIndex);
	const comment = String(this.getNodeParameter('linkComment', itemIndex, '') ?? '').trim();
	const { workItem, changed } = await changeRelations(this, target, id, itemIndex, (relations) =>
		relations.some((relation) => sameLink(relation, type.referenceName, url))
			? []
			: [
					{
						op: 'add',
						path: '/relations/-',
						value: { rel: type.referenceName, url, ...(comment ? { attributes: { comment } } : {}) },
					},
				],
	);
	return [{ json: { ...withWebUrl(workItem, target), linkAdded: changed }, pairedItem: { item: itemIndex } }];
}
