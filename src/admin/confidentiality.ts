/**
 * The confidentiality statement every administrator accepts before an account is made (the processing
 * agreement requires it). Its version is recorded with the account; a new text gets a new version.
 */
export const CONFIDENTIALITY_STATEMENT = {
  version: '2026-12-1',
  text: [
    'I will keep confidential all personal data and everything else I learn through koppel about its',
    "customers and the people in their data, during and after my work. I use it only for the customers'",
    'instructions, share my login with nobody, and report every (suspected) security incident at once.',
  ].join('\n'),
};
