import { ERROR_CATALOGUE, type ErrorSpec } from '../../nodes/AzureDevOpsConnector/connector/errors';

/** The README's error table, generated from the catalogue so the two cannot drift apart. */
export function renderErrorTable(): string {
	const rows = (Object.values(ERROR_CATALOGUE) as ErrorSpec[])
		.filter((spec) => !spec.retired)
		.sort((a, b) => a.code.localeCompare(b.code))
		.map((spec) => {
			const status = spec.httpStatus ? String(spec.httpStatus) : '';
			return `| ${spec.code} | ${escapeCell(spec.title)} | ${escapeCell(spec.fix)} | ${status} |`;
		});
	return ['| Code | Problem | Fix | Webhook status |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function escapeCell(text: string): string {
	return text.replace(/\|/g, '\\|');
}
