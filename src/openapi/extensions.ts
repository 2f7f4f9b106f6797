/**
 * Who may call an operation, recorded by the access decorators for the OpenAPI document
 * (security, 401/403 responses); the document builder removes it again.
 */
export const ACCESS_EXTENSION = 'x-scorecard-access';

export type AccessExtension = { kind: 'public' } | { kind: 'roles'; roles: readonly string[]; anyRole: boolean };
