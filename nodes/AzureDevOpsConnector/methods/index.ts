export * as credentialTest from '../transport/credentialTest';
export * as listSearch from './listSearch';
export * as loadOptions from './loadOptions';
