// Lint config for the code that never ships (tests, the emulator, benchmarks, scripts).
// It starts from n8n's community-node config, so the same TypeScript and import rules apply,
// and switches off only the rules that exist to keep *node* code inside n8n's sandbox:
// dev code may use Node built-ins (http, fs, child_process), process and timers, may start processes (n8n, Redis,
// Chromium for the end-to-end tests and the demo), may rethrow plain errors, and may print.
import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	{
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'no-console': 'off',
		},
	},
	{
		// The benchmark's floor triggers: loaded into a real n8n by the benchmark only, never shown in an editor.
		files: ['bench/floor-package/**/*.ts'],
		rules: {
			'@n8n/community-nodes/icon-validation': 'off',
			'@n8n/community-nodes/credential-test-required': 'off',
			'@n8n/community-nodes/cred-class-field-icon-missing': 'off',
		},
	},
];
