// The node-type and credential-type registries the harness hands to n8n-workflow's Workflow
// and to its credentials helper, plus a manual trigger stand-in so tests need no n8n-nodes-base.
import {
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

export type AnyNodeType = INodeType | IVersionedNodeType;

/** The type name the harness registers its manual trigger under. */
export const MANUAL_TRIGGER_TYPE = 'harness.manualTrigger';

/**
 * Emits the items it was started with (runWorkflow's `inputItems`), unchanged, on its one output.
 * It is an ordinary `execute` node with no inputs, so it behaves the same in every execution mode.
 */
export class HarnessManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts a test run with the items the test supplies',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, AnyNodeType>;

	constructor(types: Record<string, AnyNodeType>) {
		this.types = { [MANUAL_TRIGGER_TYPE]: new HarnessManualTrigger(), ...types };
	}

	getByName(type: string): AnyNodeType {
		const found = this.types[type];
		if (!found) {
			throw new UnexpectedError(`Unknown node type "${type}" (registered: ${Object.keys(this.types).join(', ')})`);
		}
		return found;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}

	/** Every concrete version of every registered type, with its registered name. */
	*allVersions(): Generator<{ typeName: string; nodeType: INodeType; root: AnyNodeType }> {
		for (const [typeName, root] of Object.entries(this.types)) {
			const versions =
				'nodeVersions' in root
					? Object.keys(root.nodeVersions)
							.map(Number)
							.sort((a, b) => b - a)
							.map((v) => root.nodeVersions[v])
					: [root];
			for (const nodeType of versions) yield { typeName, nodeType, root };
		}
	}
}

export class TestCredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(types: ICredentialType[]) {
		for (const type of types) this.types.set(type.name, type);
	}

	get(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) {
			throw new UnexpectedError(`Unknown credential type "${name}": pass its class in credentialTypes`);
		}
		return type;
	}

	has(name: string): boolean {
		return this.types.has(name);
	}

	/** Names of the types this one extends, transitively (n8n's `extends`). */
	parentsOf(name: string): string[] {
		const direct = this.types.get(name)?.extends ?? [];
		return [...direct, ...direct.flatMap((parent) => this.parentsOf(parent))];
	}
}
