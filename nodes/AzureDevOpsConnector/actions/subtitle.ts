import type { INodeProperties } from 'n8n-workflow';

/**
 * The node's subtitle on the canvas in words ("Create From Ticket: Work Item"), not parameter values
 * ("createFromTicket: workItem"): an expression that looks each value up among the options of the operation and
 * resource parameters, falling back to the value itself.
 */
export function operationSubtitle(properties: readonly INodeProperties[]): string {
	const namesOf = (parameter: string): Record<string, string> => {
		const names: Record<string, string> = {};
		for (const property of properties) {
			if (property.name !== parameter || property.type !== 'options') continue;
			for (const option of property.options ?? []) {
				if ('value' in option && typeof option.value === 'string' && !(option.value in names)) {
					names[option.value] = option.name;
				}
			}
		}
		return names;
	};
	const lookup = (parameter: string): string =>
		`(${JSON.stringify(namesOf(parameter))}[$parameter["${parameter}"]] || $parameter["${parameter}"])`;
	return `={{ ${lookup('operation')} + ": " + ${lookup('resource')} }}`;
}
