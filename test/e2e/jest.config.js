/** End-to-end tests: the built package inside a real n8n process, talking HTTP to the Azure DevOps emulator on
 * 127.0.0.1. One n8n start per test file; `node scripts/e2e.js` (npm run test:e2e) installs n8n and runs them per
 * n8n line. */
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
	testTimeout: 120000,
};
