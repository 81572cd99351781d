// What the canvas shows under each node: the operation and resource, or the events, in words.
import type { INode, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';
import { TestWorkflow } from '../support/n8n';

const ACTION = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const TRIGGER = 'n8n-nodes-azure-devops-connector.azureDevOpsConnectorTrigger';

function subtitle(type: string, parameters: INodeParameters): unknown {
	const nodeType = type === ACTION ? new AzureDevOpsConnector() : new AzureDevOpsConnectorTrigger();
	const workflow = new TestWorkflow(
		{ nodes: [{ name: 'Node', type, parameters }], connections: {} },
		{ nodeTypes: { [type]: nodeType } },
	);
	const node = workflow.workflow.getNode('Node') as INode;
	return workflow.workflow.expression.getSimpleParameterValue(node, nodeType.description.subtitle, 'manual', {});
}

describe('node subtitles', () => {
	it('name the action\'s operation and resource as the editor lists them', () => {
		expect(subtitle(ACTION, { resource: 'workItem', operation: 'createFromTicket' })).toBe('Create From Ticket: Work Item');
		expect(subtitle(ACTION, { resource: 'workItem', operation: 'changeState' })).toBe('Change State: Work Item');
	});

	it('name the trigger\'s events as Azure DevOps\' dialog does', () => {
		expect(subtitle(TRIGGER, { events: ['workitem.updated', 'workitem.commented'] })).toBe(
			'Work Item Updated, Work Item Commented On',
		);
	});
});
