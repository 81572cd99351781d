import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget } from '../target';
import { changeRelations, linkProperties, linkUrl, resolveLinkType, sameLink } from './links';
import { requireWorkItemId, withWebUrl } from './operationHelpers';

const properties: INodeProperties[] = [projectLocator, workItemLocator, ...linkProperties];

export const description = updateDisplayOptions({ show: { resource: ['workItem'], operation: ['removeLink'] } }, properties);

/** Removes a link of the chosen type to the given work item or address; a link that is not there is not an error. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const type = await resolveLinkType(this, target, String(this.getNodeParameter('linkType', itemIndex, '')), itemIndex);
	const url = linkUrl(this, target, type, this.getNodeParameter('linkTarget', itemIndex, ''), itemIndex);
	const { workItem, changed } = await changeRelations(this, target, id, itemIndex, (relations) => {
		const index = relations.findIndex((relation) => sameLink(relation, type.referenceName, url));
		return index === -1 ? [] : [{ op: 'remove', path: `/relations/${index}` }];
	});
	return [{ json: { ...withWebUrl(workItem, target), linkRemoved: changed }, pairedItem: { item: itemIndex } }];
}
