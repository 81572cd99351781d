// "Test credential" as n8n's server runs it: the credential type's declarative `test` request
// (sent through n8n-core's RoutingNode with the credential's authentication applied, failures
// mapped by `rules` and status), or a node's `methods.credentialTest[testedBy]` function.
import { CredentialTestContext, ExecuteContext, RoutingNode } from 'n8n-core';
import {
	Workflow,
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	type ICredentialTestFunction,
	type ICredentialTestRequest,
	type ICredentialType,
	type ICredentialsDecrypted,
	type INode,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
} from 'n8n-workflow';

import { TestCredentialsHelper } from './credentials-helper';
import { TestWorkflow } from './harness';
import { TestCredentialTypes, TestNodeTypes, type AnyNodeType } from './node-types';

export interface CredentialTestOptions {
	/** The credential type to test, by name. */
	type: string;
	/** What the user typed into the credential (defaults of the type are filled in). */
	data: ICredentialDataDecryptedObject;
	credentialTypes: ICredentialType[];
	/** Node types whose `credentials[].testedBy` may name the test (needed for function tests). */
	nodeTypes?: Record<string, AnyNodeType>;
}

type TestDefinition =
	| { kind: 'function'; fn: ICredentialTestFunction }
	| { kind: 'request'; request: ICredentialTestRequest; nodeType?: INodeType };

/** Where n8n looks for a credential's test: the type's `test`, then a node's `testedBy`. */
function findTest(
	type: string,
	credentialTypes: TestCredentialTypes,
	nodeTypes: TestNodeTypes,
): TestDefinition | undefined {
	const declared = credentialTypes.get(type).test;
	if (declared) return { kind: 'request', request: declared };
	for (const { nodeType } of nodeTypes.allVersions()) {
		const entry = nodeType.description.credentials?.find((c) => c.name === type && c.testedBy);
		if (!entry?.testedBy) continue;
		if (typeof entry.testedBy !== 'string') {
			return { kind: 'request', request: entry.testedBy, nodeType };
		}
		const fn = nodeType.methods?.credentialTest?.[entry.testedBy];
		if (fn) return { kind: 'function', fn };
	}
	return undefined;
}

export async function testCredential(options: CredentialTestOptions): Promise<INodeCredentialTestResult> {
	const credentialTypes = new TestCredentialTypes(options.credentialTypes);
	const nodeTypes = new TestNodeTypes(options.nodeTypes ?? {});
	const definition = findTest(options.type, credentialTypes, nodeTypes);
	if (!definition) return { status: 'Error', message: 'No testing function found for this credential.' };

	const stored = { id: 'credential-under-test', name: 'Credential under test', type: options.type, data: options.data };
	const helper = new TestCredentialsHelper(credentialTypes, [stored]);
	const credentials: ICredentialsDecrypted = {
		id: stored.id,
		name: stored.name,
		type: options.type,
		data: helper.withDefaults(options.type, options.data),
	};

	if (definition.kind === 'function') {
		return await definition.fn.call(new CredentialTestContext(), credentials);
	}
	return await runRequestTest(definition.request, definition.nodeType, credentials, helper);
}

async function runRequestTest(
	test: ICredentialTestRequest,
	ownerType: INodeType | undefined,
	credentials: ICredentialsDecrypted,
	helper: TestCredentialsHelper,
): Promise<INodeCredentialTestResult> {
	// Like n8n: a throw-away node type with one property whose routing is the test request.
	const typeName = ownerType?.description.name ?? 'n8n-nodes-base.noOp';
	const probe: INodeType = {
		description: {
			displayName: 'Credential test',
			name: typeName,
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			...ownerType?.description,
			credentials: [{ name: credentials.type, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: test.request } },
			],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentials.type]: { id: credentials.id ?? null, name: credentials.name } },
	};
	const nodeTypes = new TestNodeTypes({ [typeName]: probe });
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = new TestWorkflow(
		{ nodes: [], connections: {} },
		{ nodeTypes: {} },
	).additionalData('internal');
	additionalData.credentialsHelper = helper;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(context, probe, credentials).runNode();
	} catch (e) {
		const error = e as { message?: string; cause?: { code?: string; response?: { status: number; statusText?: string } } };
		const failed = error.cause?.response;
		if (failed) {
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === failed.status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (failed.status < 199 || failed.status > 299) {
				return { status: 'Error', message: failed.statusText || `Received HTTP status code: ${failed.status}` };
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}

	for (const rule of test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		if (valueAt(response?.[0]?.[0]?.json, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** lodash-style `a.b[0].c` lookup, for responseSuccessBody rules. */
function valueAt(value: unknown, path: string): unknown {
	return path
		.split(/[.[\]]/)
		.filter(Boolean)
		.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], value);
}
