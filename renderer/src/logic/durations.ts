/** The choices the owner has when deciding on a request: one list, shared with the /start page. */
export { DECISION_WORDS, DEFAULT_DENY, DEFAULT_GRANT, DENY_CHOICES, GRANT_CHOICES } from '../../../main/core/decision-words.ts';
