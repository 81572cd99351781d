/**
 * The credential tests' request: who the token is, valid on every supported server. `_apis/connectionData` exists on
 * Azure DevOps Server 2019 and later and on Services, and 5.0-preview.1 is inside every one's range (a server refuses
 * a version above its own, so the newest version would fail on Server 2019-2022). Kept apart from the client so the
 * credential files can use it without loading the client.
 */
export const CONNECTION_DATA = { path: '/_apis/connectionData', apiVersion: '5.0-preview.1' } as const;
