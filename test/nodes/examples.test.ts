// The example workflows a user imports (examples/**/*.json) use our nodes' parameters as the nodes describe them:
// every parameter they set exists, is shown for the chosen resource, operation and mode, and every option inside a
// collection is one that collection offers. A renamed parameter would otherwise be dropped silently at import.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeHelpers, type INodeParameters, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';

import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const DESCRIPTIONS: Record<string, INodeTypeDescription> = {
	'n8n-nodes-azure-devops-connector.azureDevOpsConnector': new AzureDevOpsConnector().description,
	'n8n-nodes-azure-devops-connector.azureDevOpsConnectorTrigger': new AzureDevOpsConnectorTrigger().description,
};

function files(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : []));
}

interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: INodeParameters;
}

const cases = files(EXAMPLES).flatMap((file) =>
	(JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ExampleNode[] }).nodes
		.filter((node) => node.type in DESCRIPTIONS)
		.map((node) => [`${path.relative(EXAMPLES, file)}: ${node.name}`, node] as const),
);

it('the examples use our nodes', () => {
	expect(cases.length).toBeGreaterThanOrEqual(7);
});

it.each(cases)('%s', (_, node) => {
	const description = DESCRIPTIONS[node.type];
	expect(([] as number[]).concat(description.version)).toContain(node.typeVersion);
	const shown = NodeHelpers.getNodeParameters(description.properties, node.parameters, false, false, node as never, description) ?? {};
	const problems: string[] = [];
	for (const [key, value] of Object.entries(node.parameters)) {
		const property = description.properties.find((p) => p.name === key && NodeHelpers.displayParameter(node.parameters, p, node as never, description));
		if (!property) {
			problems.push(`${key}: no such parameter shown here`);
			continue;
		}
		if (!(key in shown) && JSON.stringify(value) !== JSON.stringify(property.default)) problems.push(`${key}: dropped by n8n`);
		if (property.type === 'collection' && value && typeof value === 'object') {
			const offered = new Set((property.options as INodeProperties[]).map((o) => o.name));
			for (const option of Object.keys(value)) if (!offered.has(option)) problems.push(`${key}.${option}: not an option of ${property.displayName}`);
		}
	}
	expect(problems).toEqual([]);
});
