// Runs workflow JSON through n8n-core's real execution engine, in-process: WorkflowExecute for
// runs, WebhookContext for deliveries, HookContext for webhookMethods, LoadOptionsContext for
// loadOptions/listSearch. Everything outside n8n-core (the server: credential storage, the
// webhook HTTP layer, node loading) is played by the small pieces in this folder.
import {
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	HookContext,
	LoadOptionsContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	NodeHelpers,
	UnexpectedError,
	Workflow,
	createRunExecutionData,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeParameters,
	type INodePropertyOptions,
	type IRun,
	type IRunData,
	type IRunExecutionData,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WebhookSetupMethodNames,
	type WebhookType,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import {
	TestCredentialsHelper,
	normaliseCredentials,
	type CredentialsInput,
} from './credentials-helper';
import { FakeResponse, buildRequest, type CapturedResponse, type WebhookRequestInput } from './fake-http';
import {
	MANUAL_TRIGGER_TYPE,
	TestCredentialTypes,
	TestNodeTypes,
	type AnyNodeType,
} from './node-types';

/** A node in workflow JSON; id, typeVersion and position may be left out. */
export type NodeJson = Omit<INode, 'id' | 'typeVersion' | 'position' | 'parameters'> &
	Partial<Pick<INode, 'id' | 'typeVersion' | 'position' | 'parameters'>>;

export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: NodeJson[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
}

export interface HarnessOptions {
	/** Node types by the type name used in workflow JSON, e.g. `n8n-nodes-azure-devops-connector.azureDevOpsConnector`. */
	nodeTypes: Record<string, AnyNodeType>;
	/** Credential type classes (instances) the nodes use. */
	credentialTypes?: ICredentialType[];
	/** Stored credentials by credential type; nodes refer to them by `{ id, name }`. */
	credentials?: CredentialsInput;
	/** The workflow's static data to start from (it then lives on the TestWorkflow). */
	staticData?: IDataObject;
	/** The n8n instance's address; webhook URLs are `<origin>/webhook/...` and `<origin>/webhook-test/...`. */
	origin?: string;
	/**
	 * Static data as n8n's webhook server handles it: every delivery works on its own copy, read when the request
	 * arrives and saved back whole when the node changed it (the copy saved last wins); a delivery to the editor's test
	 * URL (mode 'manual') is never saved. Default: one shared object, as inside a single execution.
	 */
	staticDataPerRequest?: boolean;
}

/** Items the manual trigger emits: plain JSON objects, or full items (with binary, pairedItem...). */
export type InputItems = Array<IDataObject | INodeExecutionData>;

export interface RunOptions {
	inputItems?: InputItems;
	mode?: WorkflowExecuteMode;
	/** The node to start at; default: the harness manual trigger, else the first node without inputs. */
	startNode?: string;
}

export interface RunResult {
	run: IRun;
	executionData: IRunExecutionData;
	runData: IRunData;
	/** The execution's error (a node that failed without continueOnFail), if any. */
	error: ExecutionError | undefined;
	/** Items a node emitted on one of its outputs, in its last run; throws if it never ran or failed. */
	outputOf(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** The error a node's last run recorded, if any. */
	errorOf(nodeName: string): ExecutionError | undefined;
}

export interface WebhookCallOptions {
	/** 'webhook' (production, the default) or 'manual' (the editor's test URL). */
	mode?: WorkflowExecuteMode;
	webhookName?: WebhookType;
}

export interface WebhookResult {
	/** What the caller of the webhook received (n8n's default answer when the node wrote none). */
	response: CapturedResponse;
	/** False only when the node set noWebhookResponse and wrote nothing (n8n then sends nothing). */
	answered: boolean;
	/** What webhook() returned as workflowData: the items that start an execution, or undefined. */
	workflowData: INodeExecutionData[][] | undefined;
	noWebhookResponse: boolean;
	/** The whole return value of webhook(), or undefined when it threw. */
	webhookResult: IWebhookResponseData | undefined;
	/** What webhook() threw, if anything (the caller then got n8n's 500). */
	error: Error | undefined;
}

export interface HookOptions {
	/** True for the editor's test registration (`/webhook-test/...`, mode 'manual'). */
	isTest?: boolean;
	webhookName?: WebhookType;
	activation?: WorkflowActivateMode;
}

let executionCounter = 0;
/** Each TestWorkflow gets its own id unless the JSON gives one, as every workflow in an n8n instance has. */
let workflowCounter = 0;

function toItems(items: InputItems | undefined): INodeExecutionData[] {
	return (items ?? [{}]).map((item) =>
		'json' in item && typeof item.json === 'object' && item.json !== null
			? (item as INodeExecutionData)
			: { json: item as IDataObject },
	);
}

function latestVersion(type: AnyNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion;
	const { version, defaultVersion } = type.description;
	return defaultVersion ?? (Array.isArray(version) ? Math.max(...version) : version);
}

export class TestWorkflow {
	readonly workflow: Workflow;
	readonly nodeTypes: TestNodeTypes;
	readonly credentialTypes: TestCredentialTypes;
	readonly credentialsHelper: TestCredentialsHelper;
	readonly origin: string;
	readonly staticDataPerRequest: boolean;

	constructor(json: WorkflowJson, options: HarnessOptions) {
		this.nodeTypes = new TestNodeTypes(options.nodeTypes);
		this.credentialTypes = new TestCredentialTypes(options.credentialTypes ?? []);
		this.credentialsHelper = new TestCredentialsHelper(
			this.credentialTypes,
			normaliseCredentials(options.credentials),
		);
		this.origin = (options.origin ?? 'http://127.0.0.1:5678').replace(/\/$/, '');
		this.staticDataPerRequest = options.staticDataPerRequest === true;
		const nodes: INode[] = structuredClone(json.nodes).map((node, index) => ({
			...node,
			id: node.id ?? `node-${index + 1}`,
			typeVersion: node.typeVersion ?? latestVersion(this.nodeTypes.getByName(node.type)),
			position: node.position ?? [index * 200, 0],
			parameters: node.parameters ?? {},
		}));
		for (const node of nodes) {
			const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
			NodeHelpers.resolveNodeWebhookId(node, nodeType.description);
		}
		this.workflow = new Workflow({
			id: json.id ?? `test-workflow-${++workflowCounter}`,
			name: json.name ?? 'Test workflow',
			nodes,
			connections: structuredClone(json.connections),
			active: false,
			nodeTypes: this.nodeTypes,
			staticData: structuredClone(options.staticData ?? json.staticData ?? {}),
			settings: { executionOrder: 'v1', ...json.settings },
		});
	}

	node(name: string): INode {
		const node = this.workflow.getNode(name);
		if (!node) throw new UnexpectedError(`No node named "${name}" in the test workflow`);
		return node;
	}

	/** The workflow's static data (persisted across runs, deliveries and webhookMethods). */
	get staticData(): IDataObject {
		return this.workflow.staticData;
	}

	/** What `this.getWorkflowStaticData('node')` returns inside the named node. */
	nodeStaticData(nodeName: string): IDataObject {
		return this.workflow.getStaticData('node', this.node(nodeName));
	}

	/** A fresh IWorkflowExecuteAdditionalData, as n8n builds one per execution. */
	additionalData(mode: WorkflowExecuteMode): IWorkflowExecuteAdditionalData {
		const executionId = String(++executionCounter);
		const notAvailable = (what: string) => async () => {
			throw new UnexpectedError(`${what} is not available in the test harness`);
		};
		const data: Partial<IWorkflowExecuteAdditionalData> = {
			credentialsHelper: this.credentialsHelper,
			hooks: new ExecutionLifecycleHooks(mode, executionId, {
				id: this.workflow.id,
				name: this.workflow.name ?? '',
				active: false,
				isArchived: false,
				nodes: Object.values(this.workflow.nodes),
				connections: this.workflow.connectionsBySourceNode,
				createdAt: new Date(),
				updatedAt: new Date(),
				activeVersionId: null,
			}),
			externalSecretsProxy: new ExternalSecretsProxy(),
			executionId,
			workflowId: this.workflow.id,
			userId: 'test-user',
			currentNodeExecutionIndex: 0,
			variables: {},
			restApiUrl: `${this.origin}/rest`,
			instanceBaseUrl: `${this.origin}/`,
			webhookBaseUrl: `${this.origin}/webhook`,
			webhookTestBaseUrl: `${this.origin}/webhook-test`,
			webhookWaitingBaseUrl: `${this.origin}/webhook-waiting`,
			formBaseUrl: `${this.origin}/form`,
			formTestBaseUrl: `${this.origin}/form-test`,
			formWaitingBaseUrl: `${this.origin}/form-waiting`,
			mcpBaseUrl: `${this.origin}/mcp`,
			mcpTestBaseUrl: `${this.origin}/mcp-test`,
			logAiEvent: () => {},
			executeWorkflow: notAvailable('executeWorkflow'),
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			startRunnerTask: notAvailable('startRunnerTask'),
		};
		return data as IWorkflowExecuteAdditionalData;
	}

	/** Runs the workflow from its start node with the given items (the manual trigger emits them). */
	async run(options: RunOptions = {}): Promise<RunResult> {
		const start = this.node(options.startNode ?? this.defaultStartNode());
		return await this.execute(start, [toItems(options.inputItems)], options.mode ?? 'manual');
	}

	private defaultStartNode(): string {
		const nodes = Object.values(this.workflow.nodes);
		const start =
			nodes.find((n) => n.type === MANUAL_TRIGGER_TYPE) ??
			nodes.find((n) => !this.workflow.connectionsByDestinationNode[n.name]);
		if (!start) throw new UnexpectedError('The test workflow has no node to start from');
		return start.name;
	}

	private async execute(
		start: INode,
		main: INodeExecutionData[][],
		mode: WorkflowExecuteMode,
	): Promise<RunResult> {
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node: start, data: { main }, source: null }] },
		});
		const run = await new WorkflowExecute(
			this.additionalData(mode),
			mode,
			runExecutionData,
		).processRunExecutionData(this.workflow);
		return runResult(run);
	}

	/** The URL n8n would register for this node's webhook (what getNodeWebhookUrl returns). */
	webhookUrl(nodeName: string, options: HookOptions = {}): string {
		const { url } = this.webhookData(nodeName, options.isTest === true ? 'manual' : 'webhook', options);
		return url;
	}

	private webhookData(
		nodeName: string,
		mode: WorkflowExecuteMode,
		options: { webhookName?: WebhookType; isTest?: boolean },
	): { node: INode; description: IWebhookDescription; data: IWebhookData; url: string } {
		const node = this.node(nodeName);
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const name = options.webhookName ?? 'default';
		const description = nodeType.description.webhooks?.find((w) => w.name === name);
		if (!description) throw new UnexpectedError(`Node "${nodeName}" has no "${name}" webhook`);
		const additionalData = this.additionalData(mode);
		const isTest = options.isTest ?? mode === 'manual';
		const expression = this.workflow.expression;
		const httpMethod = expression.getSimpleParameterValue(node, description.httpMethod, mode, {}, undefined, 'POST');
		const path = expression.getSimpleParameterValue(node, description.path, mode, {}) as string;
		const isFullPath = expression.getSimpleParameterValue(node, description.isFullPath, mode, {}, undefined, false) as boolean;
		const baseUrl = isTest ? additionalData.webhookTestBaseUrl : additionalData.webhookBaseUrl;
		const url = NodeHelpers.getNodeWebhookUrl(baseUrl, this.workflow.id, node, String(path), isFullPath);
		const data: IWebhookData = {
			httpMethod: String(httpMethod) as IWebhookData['httpMethod'],
			node: node.name,
			path: String(path),
			webhookDescription: description,
			workflowId: this.workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
			isTest,
		};
		return { node, description, data, url };
	}

	/**
	 * Delivers one request to a webhook node the way n8n's webhook server does: webhook() runs in
	 * a real WebhookContext with the request and a recording response. Starts no execution.
	 */
	async webhook(
		nodeName: string,
		request: WebhookRequestInput,
		options: WebhookCallOptions = {},
	): Promise<WebhookResult> {
		const mode = options.mode ?? 'webhook';
		const { node, description, data, url } = this.webhookData(nodeName, mode, options);
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (!nodeType.webhook) throw new UnexpectedError(`Node "${nodeName}" has no webhook() method`);
		const additionalData = data.workflowExecuteAdditionalData;
		const res = new FakeResponse();
		additionalData.httpRequest = buildRequest({ method: data.httpMethod, ...request }, url) as never;
		additionalData.httpResponse = res as never;
		const workflow = this.staticDataPerRequest ? this.requestCopy() : this.workflow;
		const context = new WebhookContext(workflow, node, additionalData, mode, data, [], null);
		let webhookResult: IWebhookResponseData | undefined;
		let error: Error | undefined;
		try {
			webhookResult = await nodeType.webhook.call(context);
		} catch (e) {
			error = e instanceof Error ? e : new Error(String(e));
			if (!res.answered) res.status(500).json({ code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
		}
		if (workflow !== this.workflow && mode !== 'manual' && workflow.staticData.__dataChanged === true) {
			// n8n's webhook server saves the request's copy whole, over whatever another request saved meanwhile.
			this.workflow.overrideStaticData(JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject);
		}
		const noWebhookResponse = webhookResult?.noWebhookResponse === true;
		if (!res.answered && !noWebhookResponse && webhookResult) {
			answerLikeN8n(res, webhookResult, description);
		}
		return {
			response: res.captured(),
			answered: res.answered,
			workflowData: webhookResult?.workflowData,
			noWebhookResponse,
			webhookResult,
			error,
		};
	}

	/** The workflow as n8n's webhook server builds it for one request: the same nodes, a copy of the static data. */
	private requestCopy(): Workflow {
		return new Workflow({
			id: this.workflow.id,
			name: this.workflow.name,
			nodes: Object.values(this.workflow.nodes),
			connections: this.workflow.connectionsBySourceNode,
			active: false,
			nodeTypes: this.nodeTypes,
			staticData: JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject,
			settings: this.workflow.settings,
		});
	}

	/**
	 * Delivers a request and, when webhook() returned items, runs the rest of the workflow from
	 * the webhook node with them (mode 'webhook'), as n8n does. `run` is undefined when no
	 * execution started.
	 */
	async runFromWebhook(
		nodeName: string,
		request: WebhookRequestInput,
		options: WebhookCallOptions = {},
	): Promise<WebhookResult & { run: RunResult | undefined }> {
		const delivered = await this.webhook(nodeName, request, options);
		if (delivered.workflowData === undefined || delivered.error) return { ...delivered, run: undefined };
		const run = await this.execute(this.node(nodeName), delivered.workflowData, options.mode ?? 'webhook');
		return { ...delivered, run };
	}

	/** Calls one of the node's webhookMethods (checkExists / create / delete) in a real HookContext. */
	async webhookMethod(
		nodeName: string,
		method: WebhookSetupMethodNames,
		options: HookOptions = {},
	): Promise<boolean> {
		const mode: WorkflowExecuteMode = options.isTest === true ? 'manual' : 'trigger';
		const { node, data } = this.webhookData(nodeName, mode, options);
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const fn = nodeType.webhookMethods?.[options.webhookName ?? 'default']?.[method];
		if (!fn) throw new UnexpectedError(`Node "${nodeName}" has no webhookMethods.${method}`);
		const activation = options.activation ?? (options.isTest === true ? 'manual' : 'activate');
		const context = new HookContext(this.workflow, node, data.workflowExecuteAdditionalData, mode, activation, data);
		return await fn.call(context);
	}

	/** What n8n does on activation: checkExists, then create when it said false. */
	async activate(nodeName: string, options: HookOptions = {}): Promise<{ existed: boolean; created: boolean }> {
		const existed = await this.webhookMethod(nodeName, 'checkExists', options);
		const created = existed ? false : await this.webhookMethod(nodeName, 'create', options);
		return { existed, created };
	}

	/** What n8n does on deactivation: delete. */
	async deactivate(nodeName: string, options: HookOptions = {}): Promise<boolean> {
		return await this.webhookMethod(nodeName, 'delete', options);
	}

	private loadOptionsContext(nodeName: string, currentNodeParameters?: INodeParameters) {
		const node = this.node(nodeName);
		const additionalData = this.additionalData('internal');
		additionalData.currentNodeParameters = { ...node.parameters, ...currentNodeParameters };
		const context = new LoadOptionsContext(this.workflow, node, additionalData, 'parameters');
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		return { context, methods: nodeType.methods };
	}

	/** Calls `methods.loadOptions[method]` as the editor does (current parameters may be overridden). */
	async loadOptions(
		nodeName: string,
		method: string,
		currentNodeParameters?: INodeParameters,
	): Promise<INodePropertyOptions[]> {
		const { context, methods } = this.loadOptionsContext(nodeName, currentNodeParameters);
		const fn = methods?.loadOptions?.[method];
		if (!fn) throw new UnexpectedError(`Node "${nodeName}" has no loadOptions.${method}`);
		return await fn.call(context);
	}

	/** Calls `methods.listSearch[method]` as the editor's resource locator does. */
	async listSearch(
		nodeName: string,
		method: string,
		filter?: string,
		paginationToken?: string,
		currentNodeParameters?: INodeParameters,
	): Promise<INodeListSearchResult> {
		const { context, methods } = this.loadOptionsContext(nodeName, currentNodeParameters);
		const fn = methods?.listSearch?.[method];
		if (!fn) throw new UnexpectedError(`Node "${nodeName}" has no listSearch.${method}`);
		return await fn.call(context, filter, paginationToken);
	}
}

/** n8n's answer when webhook() wrote nothing itself (responseMode 'onReceived'). */
function answerLikeN8n(
	res: FakeResponse,
	result: IWebhookResponseData,
	description: IWebhookDescription,
): void {
	const code = typeof description.responseCode === 'number' ? description.responseCode : 200;
	res.status(code);
	if (result.workflowData === undefined) {
		res.json(result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' });
		return;
	}
	// With workflowData, n8n 2.41 answers the description's responseData literally
	// (default 'firstEntryJson'), nothing for 'noData'.
	const responseData = typeof description.responseData === 'string' ? description.responseData : 'firstEntryJson';
	if (responseData === 'noData') res.end();
	else res.send(responseData);
}

function runResult(run: IRun): RunResult {
	const executionData = run.data;
	const runData = executionData.resultData.runData;
	const lastRun = (nodeName: string) => {
		const runs = runData[nodeName];
		if (!runs?.length) {
			const ran = Object.keys(runData).join(', ') || 'none';
			const why = executionData.resultData.error?.message;
			throw new UnexpectedError(
				`Node "${nodeName}" did not run (nodes that ran: ${ran})${why ? `; execution error: ${why}` : ''}`,
			);
		}
		return runs[runs.length - 1];
	};
	return {
		run,
		executionData,
		runData,
		error: executionData.resultData.error,
		outputOf: (nodeName, outputIndex = 0) => {
			const last = lastRun(nodeName);
			if (last.error && !last.data) {
				throw new UnexpectedError(`Node "${nodeName}" failed: ${last.error.message}`);
			}
			return last.data?.main?.[outputIndex] ?? [];
		},
		errorOf: (nodeName) => runData[nodeName]?.[runData[nodeName].length - 1]?.error,
	};
}

/** Builds a TestWorkflow and runs it once. */
export async function runWorkflow(
	json: WorkflowJson,
	options: HarnessOptions & RunOptions,
): Promise<RunResult & { testWorkflow: TestWorkflow }> {
	const testWorkflow = new TestWorkflow(json, options);
	const result = await testWorkflow.run(options);
	return { ...result, testWorkflow };
}

export interface RunNodeOptions extends Omit<HarnessOptions, 'credentials'>, Omit<RunOptions, 'startNode'> {
	type: string;
	parameters?: INodeParameters;
	typeVersion?: number;
	/** Credential data by credential type; the node is given one credential of each. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	onError?: INode['onError'];
	/** The node's name; default 'Node'. */
	name?: string;
}

/** Builds the two-node workflow Start (manual trigger) → node, and runs it. */
export async function runNode(
	options: RunNodeOptions,
): Promise<RunResult & { testWorkflow: TestWorkflow; items: INodeExecutionData[] }> {
	const name = options.name ?? 'Node';
	const credentialRefs = Object.fromEntries(
		Object.keys(options.credentials ?? {}).map((type) => [type, { id: `${type}-1`, name: `${type} 1` }]),
	);
	const node: NodeJson = {
		name,
		type: options.type,
		typeVersion: options.typeVersion,
		parameters: options.parameters ?? {},
		...(options.credentials ? { credentials: credentialRefs } : {}),
		...(options.continueOnFail !== undefined ? { continueOnFail: options.continueOnFail } : {}),
		...(options.onError !== undefined ? { onError: options.onError } : {}),
	};
	const json: WorkflowJson = {
		nodes: [{ name: 'Start', type: MANUAL_TRIGGER_TYPE, parameters: {} }, node],
		connections: { Start: { main: [[{ node: name, type: 'main', index: 0 }]] } },
	};
	const credentials = Object.fromEntries(
		Object.entries(options.credentials ?? {}).map(([type, data]) => [
			type,
			{ ...credentialRefs[type], data },
		]),
	);
	const result = await runWorkflow(json, { ...options, credentials });
	const last = result.runData[name]?.at(-1);
	return { ...result, items: last?.data?.main?.[0] ?? [] };
}
