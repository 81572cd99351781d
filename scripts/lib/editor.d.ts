// Types of scripts/lib/editor.js for the TypeScript browser checks.
import type { Browser, Locator, Page } from 'playwright-core';

export function chromiumPath(): string | undefined;
export function launchBrowser(): Promise<Browser>;
export function signedInPage(browser: Browser, baseUrl: string, login: { email: string; password: string }): Promise<Page>;
export function dismissPopups(page: Page): Promise<void>;
export function openWorkflow(page: Page, baseUrl: string, workflowId: string): Promise<void>;
export function searchNodes(page: Page, text: string, baseUrl?: string): Promise<Array<{ name: string; description: string }>>;
export function openCreatorItem(page: Page, name: string): Promise<string>;
export function openCredential(page: Page, baseUrl: string, credentialId: string): Promise<Locator>;
export function visibleText(page: Page, text: string, timeout?: number): Promise<boolean>;
export function executeWorkflow(page: Page): Promise<void>;
export function openNode(page: Page, name: string): Promise<void>;
