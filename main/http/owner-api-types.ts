/** Shapes of the owner API (/ui/api), shared by the server, the CLI and tests via `import type`. */
export interface PendingRequestView {
  auth_id: string;
  provider_id: string;
  key_label: string;
  agent_id: string | null;
  user_id: string;
  scopes: string[];
  approved: boolean;
  needs_consent: boolean;
  created_at: string;
  expires_at: string;
  start_url: string;
}

export interface ApproveResponse {
  auth_id: string;
  status: string;
  /** Single-use link for the provider consent, when one is still needed. */
  consent_url: string | null;
}

export interface LoginLinkResponse {
  url: string;
}
