/**
 * Where a list shown in the editor comes from: the project and work item the user has chosen so far, read from the
 * node's current parameters (load options and list search have no input items).
 */
import type { ILoadOptionsFunctions, INodeParameterResourceLocator } from 'n8n-workflow';

import { credentialTypeOf, workItemIdFrom } from '../actions/target';
import { resolveTarget, workItems, type Target } from '../transport';

function locatorValue(value: unknown): string {
	if (value && typeof value === 'object' && 'value' in value) {
		return String((value as INodeParameterResourceLocator).value ?? '').trim();
	}
	return String(value ?? '').trim();
}

function currentParameter(context: ILoadOptionsFunctions, name: string): unknown {
	try {
		return context.getCurrentNodeParameter(name);
	} catch {
		// The parameter is not part of the chosen operation.
		return undefined;
	}
}

/**
 * The chosen project, or undefined while none is chosen (or it is an expression the editor cannot evaluate). A
 * project name with a credential of several organizations is looked for in the first.
 */
export async function chosenProject(context: ILoadOptionsFunctions): Promise<Target | undefined> {
	const value = locatorValue(currentParameter(context, 'project'));
	if (value === '' || value.startsWith('=')) return undefined;
	const credentialType = credentialTypeOf(context);
	return await resolveTarget(context, credentialType, value, { nameInFirstOrganization: true });
}

/** The work item type chosen on the node, or the type of the chosen work item; undefined when neither is known. */
export async function chosenWorkItemType(context: ILoadOptionsFunctions, project: Target): Promise<string | undefined> {
	const type = String(currentParameter(context, 'workItemType') ?? '').trim();
	if (type !== '' && !type.startsWith('=')) return type;
	const id = workItemIdFrom(locatorValue(currentParameter(context, 'workItem')));
	if (id === undefined) return undefined;
	const workItem = await workItems.get(context, project, id, { fields: ['System.WorkItemType'] });
	const found = workItem.fields?.['System.WorkItemType'];
	return typeof found === 'string' && found !== '' ? found : undefined;
}
