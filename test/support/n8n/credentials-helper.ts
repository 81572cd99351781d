// An in-memory ICredentialsHelper: the part of n8n's server that finds a node's credential,
// fills in the credential type's defaults, and applies the type's `authenticate` to a request.
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	deepCopy,
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsEncrypted,
	type ICredentialsExpressionResolveValues,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import type { TestCredentialTypes } from './node-types';

/** One stored credential, as a test defines it (the data is what the user typed in). */
export interface CredentialEntry {
	id?: string;
	name?: string;
	data: ICredentialDataDecryptedObject;
}

/** Credentials by credential type name: one entry, or several (told apart by id or name). */
export type CredentialsInput = Record<string, CredentialEntry | CredentialEntry[]>;

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

export function normaliseCredentials(input: CredentialsInput = {}): StoredCredential[] {
	return Object.entries(input).flatMap(([type, entries]) =>
		(Array.isArray(entries) ? entries : [entries]).map((entry, index) => ({
			type,
			id: entry.id ?? `${type}-${index + 1}`,
			name: entry.name ?? `${type} ${index + 1}`,
			data: entry.data,
		})),
	);
}

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every request the helper authenticated, in order (type name and the final options). */
	readonly authenticated: Array<{ type: string; requestOptions: IHttpRequestOptions }> = [];

	constructor(
		private readonly credentialTypes: TestCredentialTypes,
		readonly store: StoredCredential[],
	) {
		super();
	}

	find(details: INodeCredentialsDetails | null | undefined, type: string): StoredCredential {
		const ofType = this.store.filter((c) => c.type === type);
		const found =
			ofType.find((c) => details?.id != null && c.id === details.id) ??
			ofType.find((c) => details?.id == null && details?.name !== undefined && c.name === details.name) ??
			(details?.id == null && ofType.length === 1 ? ofType[0] : undefined);
		if (!found) {
			throw new UnexpectedError(
				`No test credential of type "${type}" matches ${JSON.stringify(details ?? null)}`,
			);
		}
		return found;
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.parentsOf(name);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const own = this.credentialTypes.get(type);
		const combined: INodeProperties[] = [];
		for (const parent of own.extends ?? []) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, own.properties);
		return combined;
	}

	/** The stored data with the type's defaults filled in (what n8n calls applyDefaultsAndOverwrites). */
	withDefaults(type: string, data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
		const withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			deepCopy(data) as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		// Keys the type does not declare are dropped by getNodeParameters; n8n keeps these two.
		for (const key of ['oauthTokenData', 'allowedDomains', 'allowedHttpRequestDomains']) {
			if (data[key] !== undefined && withDefaults[key] === undefined) withDefaults[key] = data[key];
		}
		return withDefaults;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		_executeData?: unknown,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.find(nodeCredentials, type);
		if (raw === true) return deepCopy(stored.data);
		const data = this.withDefaults(type, stored.data);
		if (!expressionResolveValues) return data;
		// Credential fields may hold expressions ({{ $json.x }}): resolve them for the current item.
		const r = expressionResolveValues;
		return r.workflow.expression.getParameterValue(
			data as INodeParameters,
			r.runExecutionData,
			r.runIndex,
			r.itemIndex,
			r.node.name,
			r.connectionInputData,
			mode,
			{},
			undefined,
			false,
			data,
		) as ICredentialDataDecryptedObject;
	}

	async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const stored = this.find(details, type);
		const data = () => deepCopy(stored.data);
		const credentials = {
			id: stored.id,
			name: stored.name,
			type,
			data: undefined,
			getData: async () => data(),
			getDataToSave: (): ICredentialsEncrypted => ({ id: stored.id, name: stored.name, type, data: '' }),
			setData: async (next: ICredentialDataDecryptedObject) => {
				stored.data = deepCopy(next);
			},
			updateData: async (toUpdate: ICredentialDataDecryptedObject, toDelete: string[] = []) => {
				stored.data = { ...stored.data, ...toUpdate };
				for (const key of toDelete) delete stored.data[key];
			},
		};
		return credentials as unknown as ICredentials;
	}

	async updateCredentials(
		details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.find(details, type).data = deepCopy(data);
	}

	async updateCredentialsOauthTokenData(
		details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.find(details, type);
		stored.data = { ...stored.data, oauthTokenData: data.oauthTokenData };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialTypes.get(typeName);
		let requestOptions = incoming as IHttpRequestOptions;
		if (typeof authenticate === 'function') {
			// Function style: the credential class decides, and may throw to refuse the request.
			requestOptions = await authenticate(credentials, requestOptions);
		} else if (authenticate?.type === 'generic') {
			if (!workflow || !node) {
				throw new UnexpectedError('A generic authenticate block needs the workflow and the node');
			}
			requestOptions.headers ??= {};
			const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
			for (const [section, entries] of Object.entries(authenticate.properties)) {
				const into = (target[section] ??= {});
				for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
					into[this.resolve(key, credentials, workflow, node)] = this.resolve(
						value,
						credentials,
						workflow,
						node,
					);
				}
			}
		}
		this.authenticated.push({ type: typeName, requestOptions });
		return requestOptions;
	}

	/** Resolves a generic block's value against `$credentials`, as n8n does (falsy → ''). */
	private resolve(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (typeof value !== 'string' || !isExpression(value)) return value as string;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? String(resolved) : '';
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.credentialTypes.get(typeName);
		const expirable = type.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		// n8n also refreshes when the credential is being tested (its probe node is a noOp with `temp`).
		const testing = node.type === 'n8n-nodes-base.noOp' && node.parameters?.temp === '';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !testing) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[typeName];
		if (details) {
			const stored = this.find(details, typeName);
			stored.data = { ...stored.data, ...(output as ICredentialDataDecryptedObject) };
		}
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = this.credentialTypes.get(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		return (await preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}
}
