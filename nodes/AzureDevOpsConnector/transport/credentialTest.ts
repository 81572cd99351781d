/**
 * The test of the multi-organization credential: every token is tried against its own organization, and the answer
 * names each organization whose token does not work. A token is sent to its own organization only, and never appears
 * in the answer.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { ConnectorError, reportFaults, type ErrorKey } from '../connector/errors';
import { entraOrganizations, managedIdentityToken, servicePrincipalToken, TokenCache } from './entraToken';
import { type OrganizationToken, parseOrganizationTokens } from '../connector/organizationTokens';
import { CONNECTION_DATA } from './connectionData';

const TEST_TIMEOUT_MS = 15_000;

interface TestAnswer {
	statusCode?: number;
	body?: unknown;
}

interface OrganizationResult {
	organizationUrl: string;
	/** Why the token failed, or undefined when it works. */
	problem?: { key: ErrorKey; detail: string };
}

/** Checks every organization of an `azureDevOpsMultiOrgApi` credential with its own token. */
export async function azureDevOpsMultiOrgApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	let entries: OrganizationToken[];
	try {
		entries = parseOrganizationTokens(String(data.organizations ?? ''), String(data.accessTokens ?? ''), {
			allowHttp: data.allowHttp === true,
		});
	} catch (error) {
		if (error instanceof ConnectorError) return { status: 'Error', message: error.message };
		return { status: 'Error', message: 'The credential\'s organizations and tokens could not be read.' };
	}

	const results = await Promise.all(
		entries.map(
			async (entry) =>
				await testOrganization(this, entry.organizationUrl, { auth: { username: '', password: entry.token } }, PAT_WORDS),
		),
	);
	return summarise(results, 'accepted their token');
}

/**
 * Checks an `azureDevOpsServicePrincipalApi` credential: signs in to Microsoft Entra ID (a fresh token, not a cached
 * one), then asks every listed organization who the token is. The answer names each organization that refused it.
 */
export async function azureDevOpsServicePrincipalApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	let organizations: string[];
	let token: string;
	try {
		organizations = entraOrganizations(data.organizations, data.allowHttp === true);
		({ token } = await servicePrincipalToken(
			data,
			async (url, form) => await postTokenForm(this, url, form),
			new TokenCache(),
		));
	} catch (error) {
		if (error instanceof ConnectorError) return { status: 'Error', message: error.message };
		return { status: 'Error', message: 'The sign-in to Microsoft Entra ID failed.' };
	}
	const results = await Promise.all(
		organizations.map(
			async (organizationUrl) =>
				await testOrganization(this, organizationUrl, { headers: { Authorization: `Bearer ${token}` } }, ENTRA_WORDS),
		),
	);
	return summarise(results, 'accepted the service principal', 'Signed in to Microsoft Entra ID. ');
}

/**
 * Checks an `azureDevOpsManagedIdentityApi` credential: asks the identity endpoint for a token (not a cached one), then
 * asks every listed organization who the token is.
 */
export async function azureDevOpsManagedIdentityApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	let organizations: string[];
	let token: string;
	try {
		organizations = entraOrganizations(data.organizations, data.allowHttp === true);
		({ token } = await managedIdentityToken(
			data,
			async (url, headers) => await getIdentityToken(this, url, headers),
			new TokenCache(),
		));
	} catch (error) {
		if (error instanceof ConnectorError) return { status: 'Error', message: error.message };
		return { status: 'Error', message: 'The managed identity got no token.' };
	}
	const results = await Promise.all(
		organizations.map(
			async (organizationUrl) =>
				await testOrganization(this, organizationUrl, { headers: { Authorization: `Bearer ${token}` } }, ENTRA_WORDS),
		),
	);
	return summarise(results, 'accepted the managed identity', 'Got a token for the managed identity. ');
}

/** The credential test's request to a managed identity endpoint (ICredentialTestFunctions offers only `request`). */
async function getIdentityToken(
	context: ICredentialTestFunctions,
	url: string,
	headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
	const answer = (await context.helpers.request({
		method: 'GET',
		uri: url,
		headers: { ...headers, Accept: 'application/json' },
		json: true,
		simple: false,
		resolveWithFullResponse: true,
		followRedirect: false,
		timeout: TEST_TIMEOUT_MS,
	})) as TestAnswer;
	return { status: Number(answer.statusCode), body: answer.body };
}

/** The credential test's sign-in request (ICredentialTestFunctions offers only n8n's `request` helper). */
async function postTokenForm(
	context: ICredentialTestFunctions,
	url: string,
	form: string,
): Promise<{ status: number; body: unknown }> {
	const answer = (await context.helpers.request({
		method: 'POST',
		uri: url,
		// as an object: n8n 1.x's request helper encodes only an object form (2.x takes a string too)
		form: Object.fromEntries(new URLSearchParams(form)),
		headers: { Accept: 'application/json' },
		json: true,
		simple: false,
		resolveWithFullResponse: true,
		followRedirect: false,
		timeout: TEST_TIMEOUT_MS,
	})) as TestAnswer;
	return { status: Number(answer.statusCode), body: answer.body };
}

function summarise(results: OrganizationResult[], acceptedWhat: string, prefix = ''): INodeCredentialTestResult {
	const failed = results.filter((result) => result.problem !== undefined);
	if (failed.length === 0) {
		return {
			status: 'OK',
			message: `${prefix}Connection successful: all ${results.length} organization(s) ${acceptedWhat}.`,
		};
	}
	// One line per organization that failed, then each fix once with the codes it answers (n8n shows the text as it is).
	const faults = failed.map(
		({ organizationUrl, problem }) => new ConnectorError(problem!.key, problem!.detail, { field: organizationUrl }),
	);
	const report = reportFaults(faults, 'the credential');
	const working = results.filter((result) => result.problem === undefined).map((result) => result.organizationUrl);
	const lines = [
		`${prefix}${failed.length} of ${results.length} organization${results.length === 1 ? '' : 's'} failed the test:`,
		...faults.map((fault) => `- ${fault.field ?? ''}: [${fault.code}] ${fault.problem}`),
		'How to fix:',
		...report.fixes.map((line) => `- ${line}`),
	];
	if (working.length > 0) lines.push(`Working: ${working.join(', ')}.`);
	return { status: 'Error', message: lines.join('\n') };
}

/** How a refusal is worded for a PAT and for a Microsoft Entra token. */
interface RefusalWords {
	unauthorized: { key: ErrorKey; detail: (status: number) => string };
	forbidden: string;
}

const PAT_WORDS: RefusalWords = {
	unauthorized: { key: 'azureDevOpsUnauthorized', detail: (status) => `The token was refused (${status}).` },
	forbidden: 'The token is not allowed in (403).',
};

const ENTRA_WORDS: RefusalWords = {
	unauthorized: {
		key: 'entraTokenRefused',
		detail: (status) => `The organization refused the signed-in identity (${status}).`,
	},
	forbidden: 'The signed-in identity is not allowed in (403).',
};

async function testOrganization(
	context: ICredentialTestFunctions,
	organizationUrl: string,
	authorization: { auth: { username: string; password: string } } | { headers: Record<string, string> },
	words: RefusalWords,
): Promise<OrganizationResult> {
	let answer: TestAnswer;
	const extraHeaders = 'headers' in authorization ? authorization.headers : {};
	try {
		// ICredentialTestFunctions offers only `request`, and the data under test is not a saved credential yet, so
		// the secret of this one organization is given to n8n's request helper directly.
		answer = (await context.helpers.request({
			method: 'GET',
			uri: `${organizationUrl}${CONNECTION_DATA.path}`,
			qs: { 'api-version': CONNECTION_DATA.apiVersion },
			headers: { Accept: 'application/json', 'X-TFS-FedAuthRedirect': 'Suppress', ...extraHeaders },
			...('auth' in authorization ? { auth: authorization.auth } : {}),
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			// A redirect leads to a sign-in page or another host: the token must not follow it.
			followRedirect: false,
			timeout: TEST_TIMEOUT_MS,
		})) as TestAnswer;
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		const reason = typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code : 'no answer';
		return { organizationUrl, problem: { key: 'azureDevOpsUnreachable', detail: `No answer (${reason}).` } };
	}

	const status = Number(answer.statusCode);
	if (status >= 200 && status < 300 && status !== 203 && answer.body && typeof answer.body === 'object') {
		return { organizationUrl };
	}
	if (status === 401 || status === 203 || (status >= 300 && status < 400)) {
		return { organizationUrl, problem: { key: words.unauthorized.key, detail: words.unauthorized.detail(status) } };
	}
	if (status === 404) {
		return {
			organizationUrl,
			problem: { key: 'azureDevOpsNotFound', detail: 'No Azure DevOps organization answers at this URL (404).' },
		};
	}
	if (status === 403) {
		return { organizationUrl, problem: { key: 'azureDevOpsForbidden', detail: words.forbidden } };
	}
	if (status >= 200 && status < 300) {
		return {
			organizationUrl,
			problem: { key: 'azureDevOpsResponseInvalid', detail: `The answer (${status}) is not Azure DevOps JSON.` },
		};
	}
	return {
		organizationUrl,
		problem: { key: 'azureDevOpsUnavailable', detail: `Azure DevOps answered ${status || 'nothing usable'}.` },
	};
}
