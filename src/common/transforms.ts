/**
 * PostgreSQL reads a UUID in any case, but ids are compared as strings in code (self-manager and
 * reporting-loop checks, scope lists): one spelling, lower case, everywhere.
 */
export const lowerId = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);
