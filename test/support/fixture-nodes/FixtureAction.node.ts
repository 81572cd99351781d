// Fixture action node: one authenticated GET per item through httpRequestWithAuthentication,
// with a per-item continueOnFail, plus a loadOptions, a listSearch and a credentialTest method.
// Test fixtures never ship: they have no icon files and are not listed in package.json, which
// these package-level rules expect (the rules' own checks are what the real nodes must pass).
/* eslint-disable @n8n/community-nodes/icon-validation, @n8n/community-nodes/require-node-description-fields, @n8n/community-nodes/no-credential-reuse, @n8n/community-nodes/valid-credential-references */
import {
	NodeApiError,
	NodeConnectionTypes,
	type ICredentialTestFunctions,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';

type Context = IExecuteFunctions | ILoadOptionsFunctions;

function credentialType(authentication: unknown): string {
	return authentication === 'basic' ? 'fixtureBasicApi' : 'fixtureBearerApi';
}

async function request(this: Context, authentication: unknown, options: IHttpRequestOptions): Promise<IDataObject> {
	const credentials = await this.getCredentials(credentialType(authentication));
	return (await this.helpers.httpRequestWithAuthentication.call(this, credentialType(authentication), {
		baseURL: String(credentials.baseUrl),
		json: true,
		...options,
	})) as IDataObject;
}

async function projects(this: ILoadOptionsFunctions): Promise<Array<{ id: string; name: string }>> {
	const authentication = this.getCurrentNodeParameter('authentication');
	const response = await request.call(this, authentication, { method: 'GET', url: '/projects' });
	return response.value as Array<{ id: string; name: string }>;
}

export class FixtureAction implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fixture Action',
		name: 'fixtureAction',
		subtitle: '={{$parameter["authentication"]}}',
		usableAsTool: true,
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		description: 'Test fixture for the n8n harness',
		defaults: { name: 'Fixture Action' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'fixtureBearerApi', required: true, displayOptions: { show: { authentication: ['bearer'] } } },
			{ name: 'fixtureBasicApi', required: true, displayOptions: { show: { authentication: ['basic'] } } },
			{ name: 'fixtureKeyApi', testedBy: 'fixtureKeyTest' },
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Bearer', value: 'bearer' },
					{ name: 'Basic', value: 'basic' },
				],
				default: 'bearer',
			},
			{ displayName: 'Path', name: 'path', type: 'string', default: '/items' },
			{ displayName: 'Absolute URL', name: 'absoluteUrl', type: 'string', default: '' },
			{
				displayName: 'Project',
				name: 'project',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getProjects' },
				default: '',
			},
		],
	};

	methods = {
		loadOptions: {
			async getProjects(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return (await projects.call(this)).map((p) => ({ name: p.name, value: p.id }));
			},
		},
		listSearch: {
			async searchProjects(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const all = await projects.call(this);
				const wanted = all.filter((p) => !filter || p.name.toLowerCase().includes(filter.toLowerCase()));
				return { results: wanted.map((p) => ({ name: p.name, value: p.id })) };
			},
		},
		credentialTest: {
			async fixtureKeyTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				return String(credential.data?.apiKey).startsWith('k-')
					? { status: 'OK', message: 'Key accepted' }
					: { status: 'Error', message: 'Keys start with "k-"' };
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const authentication = this.getNodeParameter('authentication', i);
				const absoluteUrl = this.getNodeParameter('absoluteUrl', i) as string;
				const path = this.getNodeParameter('path', i) as string;
				const response = await request.call(this, authentication, {
					method: 'GET',
					url: absoluteUrl || path,
					...(absoluteUrl ? { baseURL: undefined } : {}),
				});
				out.push({ json: { ...response, requested: path, version: this.getNode().typeVersion }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error instanceof NodeApiError
					? error
					: new NodeApiError(this.getNode(), error as JsonObject, { itemIndex: i });
			}
		}
		return [out];
	}
}
